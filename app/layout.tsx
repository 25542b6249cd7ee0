import type { Metadata } from "next";
import { SandboxOffBanner } from "@/components/sandbox-off-banner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "OpenHands for GitLab", template: "%s · OpenHands for GitLab" },
  description: "A self-hostable AI coding agent for GitLab issues and merge requests.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <SandboxOffBanner />
        {children}
      </body>
    </html>
  );
}
