import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RepeatPicker } from "./RepeatPicker";

afterEach(cleanup);

describe("RepeatPicker", () => {
  it("writes every week on Monday and Thursday, 12 times", () => {
    const onChange = vi.fn();
    render(<RepeatPicker rule="" onChange={onChange} start="2026-01-12T09:00" />);
    fireEvent.change(screen.getByLabelText("Repeats"), { target: { value: "weekly" } });
    expect(onChange).toHaveBeenLastCalledWith("FREQ=WEEKLY;BYDAY=MO"); // the first post's weekday
    fireEvent.click(screen.getByRole("checkbox", { name: "Thursday" }));
    fireEvent.click(screen.getByRole("radio", { name: "Ends after" }));
    fireEvent.change(screen.getByLabelText("Number of times"), { target: { value: "12" } });
    expect(onChange).toHaveBeenLastCalledWith("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12");
    expect(screen.getByText("Every week on Monday and Thursday, 12 times")).toBeTruthy();
  });

  it("reads a stored rule back, and keeps one it cannot show", () => {
    const onChange = vi.fn();
    render(<RepeatPicker rule="FREQ=MONTHLY;INTERVAL=2;UNTIL=20271231T235959" onChange={onChange} start="2026-01-12T09:00" />);
    expect((screen.getByLabelText("Repeats") as HTMLSelectElement).value).toBe("monthly");
    expect((screen.getByLabelText("every") as HTMLInputElement).value).toBe("2");
    expect((screen.getByLabelText("Last day") as HTMLInputElement).value).toBe("2027-12-31");
    cleanup();
    render(<RepeatPicker rule="FREQ=MONTHLY;BYMONTHDAY=-1" onChange={onChange} start="2026-01-12T09:00" />);
    expect(screen.getByText("FREQ=MONTHLY;BYMONTHDAY=-1")).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Replace with a simpler repeat" }));
    expect(onChange).toHaveBeenLastCalledWith("");
  });
});
