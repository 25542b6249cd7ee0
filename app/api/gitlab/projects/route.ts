import { getDb } from "@/db";
import { withUser } from "@/lib/http/route";
import { pickerQuery, pickRepositories } from "@/lib/repositories/picker";

export const dynamic = "force-dynamic";

export const GET = withUser(async (req, { user }) => {
  const query = pickerQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const { db } = await getDb();
  return Response.json(await pickRepositories(db, user.id, query));
});
