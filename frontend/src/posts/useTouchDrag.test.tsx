import { act, cleanup, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HOLD_MS, useTouchDrag } from "./useTouchDrag";

// jsdom has no layout: the element under a point is whatever the test says it is.
let under: Element | null = null;

function Board({ onDrop, onStart }: { onDrop: (item: string, target: string) => void; onStart?: () => void }) {
  const root = useRef<HTMLDivElement>(null);
  useTouchDrag(root, {
    item: "[data-item]",
    target: "[data-slot]",
    handle: ".grip",
    onStart,
    onDrop: (item, target) => onDrop(item.dataset.item!, target.dataset.slot!),
  });
  return (
    <div ref={root}>
      <button type="button" data-item="a" onClick={() => onDrop("clicked", "")}>
        Post A <span className="grip">grip</span>
      </button>
      <div data-slot="monday">Monday</div>
      <div data-slot="tuesday">Tuesday</div>
    </div>
  );
}

function pointer(type: string, target: Element, x: number, y: number, pointerType = "touch") {
  const event = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y });
  Object.assign(event, { pointerId: 7, pointerType, isPrimary: true });
  target.dispatchEvent(event);
}

beforeEach(() => {
  vi.useFakeTimers();
  document.elementFromPoint = () => under;
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("useTouchDrag", () => {
  it("picks an item up after a still hold and drops it where the finger lifts", () => {
    const onDrop = vi.fn();
    const onStart = vi.fn();
    render(<Board onDrop={onDrop} onStart={onStart} />);
    const item = screen.getByText("Post A");
    pointer("pointerdown", item, 10, 10);
    act(() => vi.advanceTimersByTime(HOLD_MS - 50));
    expect(onStart).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(50));
    expect(onStart).toHaveBeenCalledTimes(1);
    expect(item.classList.contains("touch-dragging")).toBe(true);
    expect(document.querySelector(".touch-drag-ghost")).not.toBeNull();
    under = screen.getByText("Tuesday");
    pointer("pointermove", item, 40, 200);
    expect(under.classList.contains("drop-over")).toBe(true);
    pointer("pointerup", item, 40, 200);
    expect(onDrop).toHaveBeenCalledWith("a", "tuesday");
    expect(document.querySelector(".touch-drag-ghost")).toBeNull();
    expect(under.classList.contains("drop-over")).toBe(false);
    // The click the lifted finger makes does not open the item.
    item.click();
    expect(onDrop).toHaveBeenCalledTimes(1);
  });

  it("leaves a swipe to scroll the page, and a quick tap to the item's click", () => {
    const onDrop = vi.fn();
    render(<Board onDrop={onDrop} />);
    const item = screen.getByText("Post A");
    pointer("pointerdown", item, 10, 10);
    pointer("pointermove", item, 10, 60); // moved before the hold ended: a scroll
    act(() => vi.advanceTimersByTime(HOLD_MS * 2));
    expect(item.classList.contains("touch-dragging")).toBe(false);
    pointer("pointerup", item, 10, 60);
    pointer("pointerdown", item, 10, 10);
    pointer("pointerup", item, 10, 10);
    item.click();
    expect(onDrop).toHaveBeenCalledWith("clicked", "");
    expect(onDrop).toHaveBeenCalledTimes(1);
  });

  it("picks up at once by the handle, ignores the mouse (HTML drag and drop serves it) and cancels with Escape", () => {
    const onDrop = vi.fn();
    render(<Board onDrop={onDrop} />);
    const item = screen.getByText("Post A");
    pointer("pointerdown", screen.getByText("grip"), 10, 10, "mouse");
    expect(item.classList.contains("touch-dragging")).toBe(false);
    pointer("pointerdown", screen.getByText("grip"), 10, 10);
    expect(item.classList.contains("touch-dragging")).toBe(true);
    under = screen.getByText("Monday");
    pointer("pointermove", item, 10, 120);
    act(() => {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    });
    pointer("pointerup", item, 10, 120);
    expect(onDrop).not.toHaveBeenCalled();
    expect(item.classList.contains("touch-dragging")).toBe(false);
  });
});
