// Drag and drop for fingers. The calendar and the queue use HTML drag and drop, which a
// phone's browser never starts from a touch; this hook gives touch (and pen) users the same
// moves with pointer events: hold an item still for a moment (or press its drag handle),
// then slide it to where it goes and lift. A swipe that starts on an item still scrolls the
// page: only a still press (or the handle) picks it up. Keyboard and button alternatives
// stay with each page.
import { useEffect, useRef, type RefObject } from "react";
import "./touchDrag.css";

export interface TouchDragOptions {
  /** What may be picked up (e.g. `[data-post][draggable="true"]`). */
  item: string;
  /** Where an item may land (e.g. `[data-day]`). */
  target: string;
  /** A part of an item that picks it up at once, without holding (a drag handle). */
  handle?: string;
  /** How long a press is held before the item is picked up. */
  holdMs?: number;
  onStart?: (item: HTMLElement) => void;
  onDrop: (item: HTMLElement, target: HTMLElement) => void;
  /** After a drop or a cancel. */
  onEnd?: () => void;
}

/** A finger moving further than this before the hold ends is scrolling, not dragging. */
export const SLOP_PX = 10;
export const HOLD_MS = 350;
const OVER = "drop-over";

type State =
  | { kind: "idle" }
  | { kind: "pressing"; item: HTMLElement; pointer: number; x: number; y: number; timer: number }
  | { kind: "dragging"; item: HTMLElement; pointer: number; ghost: HTMLElement; over: HTMLElement | null; dx: number; dy: number };

export function useTouchDrag(container: RefObject<HTMLElement | null>, options: TouchDragOptions, enabled = true): void {
  // The latest options without re-binding the listeners on every render.
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const root = container.current;
    if (!root || !enabled) return;
    let state: State = { kind: "idle" };
    let swallowClick = false;

    const finish = (drop: boolean) => {
      if (state.kind === "pressing") window.clearTimeout(state.timer);
      if (state.kind === "dragging") {
        const { item, ghost, over } = state;
        ghost.remove();
        item.classList.remove("touch-dragging");
        over?.classList.remove(OVER);
        document.documentElement.classList.remove("touch-drag-active");
        swallowClick = true; // the click that follows a lifted finger is not a tap
        window.setTimeout(() => (swallowClick = false), 400);
        if (drop && over) latest.current.onDrop(item, over);
        latest.current.onEnd?.();
      }
      state = { kind: "idle" };
    };

    const pickUp = (item: HTMLElement, pointer: number, x: number, y: number) => {
      const box = item.getBoundingClientRect();
      const ghost = item.cloneNode(true) as HTMLElement;
      ghost.removeAttribute("id");
      ghost.setAttribute("aria-hidden", "true");
      ghost.classList.add("touch-drag-ghost");
      Object.assign(ghost.style, {
        position: "fixed",
        left: `${box.left}px`,
        top: `${box.top}px`,
        width: `${box.width}px`,
        pointerEvents: "none",
        zIndex: "1000",
        margin: "0",
      });
      root.appendChild(ghost); // inside, so the page's own styles still dress it
      item.classList.add("touch-dragging");
      document.documentElement.classList.add("touch-drag-active");
      state = { kind: "dragging", item, pointer, ghost, over: null, dx: x - box.left, dy: y - box.top };
      navigator.vibrate?.(10);
      latest.current.onStart?.(item);
      follow(x, y);
    };

    const follow = (x: number, y: number) => {
      if (state.kind !== "dragging") return;
      state.ghost.style.left = `${x - state.dx}px`;
      state.ghost.style.top = `${y - state.dy}px`;
      const under = document.elementFromPoint(x, y)?.closest<HTMLElement>(latest.current.target) ?? null;
      const over = under && root.contains(under) ? under : null;
      if (over !== state.over) {
        state.over?.classList.remove(OVER);
        over?.classList.add(OVER);
        state.over = over;
      }
    };

    const onPointerDown = (event: PointerEvent) => {
      if (event.pointerType === "mouse" || !event.isPrimary || state.kind !== "idle") return;
      const { item: itemSelector, handle, holdMs = HOLD_MS } = latest.current;
      const item = (event.target as Element).closest<HTMLElement>(itemSelector);
      if (!item || !root.contains(item)) return;
      if (handle && (event.target as Element).closest(handle)) {
        event.preventDefault();
        pickUp(item, event.pointerId, event.clientX, event.clientY);
        return;
      }
      const timer = window.setTimeout(() => {
        if (state.kind === "pressing") pickUp(state.item, state.pointer, state.x, state.y);
      }, holdMs);
      state = { kind: "pressing", item, pointer: event.pointerId, x: event.clientX, y: event.clientY, timer };
    };

    const onPointerMove = (event: PointerEvent) => {
      if (state.kind === "idle" || event.pointerId !== state.pointer) return;
      if (state.kind === "pressing") {
        if (Math.hypot(event.clientX - state.x, event.clientY - state.y) > SLOP_PX) finish(false);
        return;
      }
      follow(event.clientX, event.clientY);
    };

    const onPointerUp = (event: PointerEvent) => {
      if (state.kind !== "idle" && event.pointerId === state.pointer) finish(true);
    };
    const onPointerCancel = (event: PointerEvent) => {
      if (state.kind !== "idle" && event.pointerId === state.pointer) finish(false);
    };
    // While an item is held the page must not scroll under the finger (only a
    // non-passive touchmove listener can stop that; React's are passive).
    const onTouchMove = (event: TouchEvent) => {
      if (state.kind === "dragging" && event.cancelable) event.preventDefault();
    };
    // A long press would otherwise open the browser's menu for the link or text.
    const onContextMenu = (event: Event) => {
      if (state.kind !== "idle") event.preventDefault();
    };
    const onClick = (event: MouseEvent) => {
      if (!swallowClick) return;
      swallowClick = false;
      event.preventDefault();
      event.stopPropagation();
    };
    // Some phones start their own drag of a `draggable` element after a longer hold: the
    // finger's drag is already under way, so theirs would only cancel it.
    const onDragStart = (event: DragEvent) => {
      if (state.kind !== "idle") event.preventDefault();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") finish(false);
    };

    root.addEventListener("pointerdown", onPointerDown);
    root.addEventListener("touchmove", onTouchMove, { passive: false });
    root.addEventListener("contextmenu", onContextMenu);
    root.addEventListener("click", onClick, true);
    root.addEventListener("dragstart", onDragStart, true);
    window.addEventListener("pointermove", onPointerMove);
    window.addEventListener("pointerup", onPointerUp);
    window.addEventListener("pointercancel", onPointerCancel);
    window.addEventListener("keydown", onKeyDown);
    return () => {
      finish(false);
      root.removeEventListener("pointerdown", onPointerDown);
      root.removeEventListener("touchmove", onTouchMove);
      root.removeEventListener("contextmenu", onContextMenu);
      root.removeEventListener("click", onClick, true);
      root.removeEventListener("dragstart", onDragStart, true);
      window.removeEventListener("pointermove", onPointerMove);
      window.removeEventListener("pointerup", onPointerUp);
      window.removeEventListener("pointercancel", onPointerCancel);
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [container, enabled]);
}
