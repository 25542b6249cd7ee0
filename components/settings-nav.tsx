import { NavLink } from "./nav-link";

const items = [
  { href: "/settings/integrations", label: "Integrations" },
  { href: "/settings/secrets", label: "Secrets" },
  { href: "/settings/api-keys", label: "API Keys" },
];

export function SettingsNav() {
  return (
    <nav aria-label="Settings" className="flex flex-row gap-1 text-sm md:w-48 md:flex-col">
      {items.map((i) => (
        <NavLink key={i.href} href={i.href}>
          {i.label}
        </NavLink>
      ))}
    </nav>
  );
}
