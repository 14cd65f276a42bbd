import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { insertAtCaret, TextEditor } from "./TextEditor";

function Editor({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return <TextEditor id="t" label="Text" value={value} onChange={setValue} />;
}

afterEach(cleanup);

describe("insertAtCaret", () => {
  it("replaces the selection and puts the caret after the addition", () => {
    expect(insertAtCaret("Hello world", "🚀", 5, 5)).toEqual({ text: "Hello🚀 world", caret: 7 });
    expect(insertAtCaret("Hello world", "👋", 6, 11)).toEqual({ text: "Hello 👋", caret: 8 });
    expect(insertAtCaret("Hi", "!", 10, 12)).toEqual({ text: "Hi!", caret: 3 });
  });
});

describe("the emoji picker", () => {
  it("searches, inserts at the caret by keyboard, and closes", () => {
    render(<Editor initial="Launch day" />);
    const area = screen.getByLabelText("Text") as HTMLTextAreaElement;
    area.setSelectionRange(6, 6);
    fireEvent.click(screen.getByRole("button", { name: "Emoji" }));
    const search = screen.getByRole("searchbox", { name: "Search emoji" });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: "rocket" } });
    expect(screen.getAllByRole("button", { name: /rocket/ })).toHaveLength(1);
    fireEvent.keyDown(search, { key: "ArrowDown" });
    expect(document.activeElement?.getAttribute("data-emoji")).toBe("🚀");
    fireEvent.click(document.activeElement!);
    expect(area.value).toBe("Launch🚀 day");
    expect(area.selectionStart).toBe(8);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("moves along the grid with arrows and closes with Escape, back on its button", () => {
    render(<Editor initial="" />);
    const button = screen.getByRole("button", { name: "Emoji" });
    fireEvent.click(button);
    fireEvent.keyDown(screen.getByRole("searchbox"), { key: "ArrowDown" });
    const first = document.activeElement as HTMLElement;
    fireEvent.keyDown(first, { key: "ArrowRight" });
    expect(document.activeElement).not.toBe(first);
    expect(document.activeElement?.getAttribute("tabindex")).toBe("0");
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("closes when the focus leaves it", () => {
    render(<Editor initial="" />);
    fireEvent.click(screen.getByRole("button", { name: "Emoji" }));
    fireEvent.blur(screen.getByRole("searchbox"), { relatedTarget: screen.getByLabelText("Text") });
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});
