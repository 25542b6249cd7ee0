/**
 * A secret as the settings page shows it: never its value, which the server does not send back. In
 * its own module because the page, the client island and its list all name it.
 */
export interface SecretRow {
  id: string;
  name: string;
  description: string;
  updatedAt: string;
}
