// The range's numbers as a CSV (one row per post per account) or a PDF report to send a
// client: fetched with the session's token and saved by the browser.
import { Download, FileText } from "lucide-react";
import { useState } from "react";
import { errorMessage, showError } from "../components/Toasts";
import { analyticsPath, download } from "./api";
import type { DateRange } from "./ranges";

type Kind = "csv" | "pdf";

export function Downloads({ workspaceId, range }: { workspaceId: string; range: DateRange }) {
  const [busy, setBusy] = useState<Kind | null>(null);
  async function save(kind: Kind) {
    setBusy(kind);
    try {
      await download(
        analyticsPath(workspaceId, `export.${kind}`, { from: range.from, to: range.to }),
        `analytics-${range.from}-${range.to}.${kind}`,
        kind === "pdf" ? "application/pdf" : "text/csv",
      );
    } catch (error) {
      showError(`The ${kind.toUpperCase()} was not downloaded: ${errorMessage(error)}`);
    } finally {
      setBusy(null);
    }
  }
  return (
    <div className="downloads" role="group" aria-label="Download">
      <button type="button" onClick={() => save("csv")} disabled={busy !== null}>
        <Download size={16} aria-hidden="true" /> {busy === "csv" ? "Preparing CSV…" : "Download CSV"}
      </button>
      <button type="button" onClick={() => save("pdf")} disabled={busy !== null}>
        <FileText size={16} aria-hidden="true" /> {busy === "pdf" ? "Preparing PDF…" : "Download PDF"}
      </button>
    </div>
  );
}
