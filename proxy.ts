import { NextResponse, type NextRequest } from "next/server";

/**
 * Only redirects anonymous visitors of app pages to sign-in. It looks at the presence of a session
 * cookie, nothing more: real authorization lives in lib/, where every query is scoped to the user.
 */
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (signedIn) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = `?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // App pages that need a user. The home page shows a sign-in prompt itself; API routes answer 401.
  matcher: ["/conversations/:path*", "/settings/:path*"],
};
