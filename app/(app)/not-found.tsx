import { NotFoundMessage } from "@/components/not-found-message";

/** A page of the app that is not there (an unknown or someone else's conversation), inside the shell. */
export default function AppNotFound() {
  return <NotFoundMessage />;
}
