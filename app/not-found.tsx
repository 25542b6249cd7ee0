import { AccountMenu } from "@/components/account-menu";
import { AppShell } from "@/components/app-shell";
import { DemoBanner } from "@/components/demo-banner";
import { NotFoundMessage } from "@/components/not-found-message";
import { currentUser } from "@/lib/auth/current-user";

/** Any unknown URL: the app's shell, what happened, and a way back (issue 17). */
export default async function NotFound() {
  const user = await currentUser();
  return (
    <AppShell account={<AccountMenu user={user} />} banner={<DemoBanner />}>
      <NotFoundMessage />
    </AppShell>
  );
}
