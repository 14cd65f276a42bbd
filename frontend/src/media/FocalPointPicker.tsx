// Where the subject of an image is: click it, or move the marker with the arrow keys.
import type { KeyboardEvent, MouseEvent } from "react";
import type { FocalPoint } from "./api";

const STEP = 0.05;

export function clamp(value: number): number {
  return Math.min(1, Math.max(0, Math.round(value * 1000) / 1000));
}

/** The focal point after an arrow key, or null for other keys. */
export function moved(point: FocalPoint, key: string): FocalPoint | null {
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-STEP, 0],
    ArrowRight: [STEP, 0],
    ArrowUp: [0, -STEP],
    ArrowDown: [0, STEP],
  };
  const move = moves[key];
  return move ? { x: clamp(point.x + move[0]), y: clamp(point.y + move[1]) } : null;
}

export function FocalPointPicker({
  src,
  alt,
  value,
  onChange,
  disabled,
}: {
  src: string;
  alt: string;
  value: FocalPoint;
  onChange: (point: FocalPoint) => void;
  disabled?: boolean;
}) {
  function click(event: MouseEvent<HTMLDivElement>) {
    if (disabled) return;
    const box = event.currentTarget.getBoundingClientRect();
    onChange({ x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) });
  }

  function key(event: KeyboardEvent<HTMLDivElement>) {
    const next = disabled ? null : moved(value, event.key);
    if (next) {
      event.preventDefault();
      onChange(next);
    }
  }

  const across = Math.round(value.x * 100);
  const down = Math.round(value.y * 100);
  return (
    <div
      className="focal-picker"
      role="group"
      tabIndex={disabled ? -1 : 0}
      aria-label={`Focal point: ${across}% across, ${down}% down. Click the image or use the arrow keys to move it.`}
      onClick={click}
      onKeyDown={key}
      data-testid="focal-picker"
    >
      <img src={src} alt={alt} draggable={false} />
      <span className="focal-marker" style={{ left: `${value.x * 100}%`, top: `${value.y * 100}%` }} aria-hidden="true" />
    </div>
  );
}
