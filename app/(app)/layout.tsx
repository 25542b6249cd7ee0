import { AppShell } from "@/components/app-shell";
import { AccountMenu } from "@/components/account-menu";
import { DemoBanner } from "@/components/demo-banner";
import { currentUser } from "@/lib/auth/current-user";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  return (
    <AppShell account={<AccountMenu user={user} />} banner={<DemoBanner />}>
      {children}
    </AppShell>
  );
}
