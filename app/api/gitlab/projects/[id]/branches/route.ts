import { z } from "zod";
import { getDb } from "@/db";
import { withUser } from "@/lib/http/route";
import { pickerQuery, pickBranches } from "@/lib/repositories/picker";

export const dynamic = "force-dynamic";

export const GET = withUser<{ params: Promise<{ id: string }> }>(async (req, { user, params }) => {
  const projectId = z.coerce.number().int().positive().parse((await params).id);
  const query = pickerQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const { db } = await getDb();
  return Response.json(await pickBranches(db, user.id, projectId, query));
});
