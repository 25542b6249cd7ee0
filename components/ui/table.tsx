import type { ComponentProps } from "react";

/**
 * Tables with fixed column widths (`table-fixed` + a <colgroup> from the caller), so columns do not
 * jump when a status or a button label changes (issue 17). Wide tables scroll inside their card on
 * a phone instead of squeezing the text.
 */
export function Table({ className = "", children, ...props }: ComponentProps<"table">) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className={`w-full min-w-[640px] table-fixed text-left text-sm ${className}`} {...props}>
        {children}
      </table>
    </div>
  );
}

export function Th({ className = "", ...props }: ComponentProps<"th">) {
  return <th scope="col" className={`border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium uppercase tracking-wide text-slate-500 ${className}`} {...props} />;
}

export function Td({ className = "", ...props }: ComponentProps<"td">) {
  return <td className={`border-b border-slate-100 px-4 py-3 align-top ${className}`} {...props} />;
}
