// One text box of the composer with its tools (emoji, and what the page adds, such as the
// library) and, below, its counters. An emoji goes in at the caret, which stays after it.
import { useLayoutEffect, useRef, type ReactNode, type RefObject } from "react";
import { EmojiPicker } from "./EmojiPicker";

/** `addition` put in place of `text`'s `start`-`end`; the caret's place after it. */
export function insertAtCaret(text: string, addition: string, start: number, end: number): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + addition + text.slice(to), caret: from + addition.length };
}

export function TextEditor({
  id,
  label,
  value,
  onChange,
  disabled,
  areaRef,
  tools,
  children,
  rows = 7,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  areaRef?: RefObject<HTMLTextAreaElement | null>;
  /** More tools beside the emoji button. */
  tools?: ReactNode;
  /** Counters and problems, under the box. */
  children?: ReactNode;
  rows?: number;
}) {
  const own = useRef<HTMLTextAreaElement>(null);
  const area = areaRef ?? own;
  const caret = useRef<number | null>(null);

  useLayoutEffect(() => {
    const element = area.current;
    if (caret.current === null || !element) return;
    element.focus();
    element.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [value, area]);

  function insertEmoji(emoji: string) {
    const element = area.current;
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    const next = insertAtCaret(value, emoji, start, end);
    caret.current = next.caret;
    onChange(next.text);
  }

  return (
    <div className="text-editor">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} ref={area} value={value} rows={rows} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
      <div className="text-tools">
        <EmojiPicker onPick={insertEmoji} disabled={disabled} />
        {tools}
      </div>
      {children}
    </div>
  );
}
