import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ChipsField } from "./ChipsField";

function Harness({ start = [] as string[] }) {
  const [values, setValues] = useState(start);
  return <ChipsField label="Content pillars" values={values} onChange={setValues} />;
}

const chips = () => screen.queryAllByRole("listitem").map((li) => li.textContent);

afterEach(cleanup);

describe("ChipsField", () => {
  it("adds a chip on Enter and on a comma, without repeats", () => {
    render(<Harness start={["Tips"]} />);
    const box = screen.getByRole("textbox", { name: "Content pillars" }) as HTMLInputElement;
    fireEvent.change(box, { target: { value: "Fresh bakes" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(chips()).toEqual(["Tips", "Fresh bakes"]);
    expect(box.value).toBe("");
    fireEvent.change(box, { target: { value: "tips, Team," } });
    expect(chips()).toEqual(["Tips", "Fresh bakes", "Team"]);
  });

  it("removes a chip with its button, and the last with Backspace in an empty box", () => {
    render(<Harness start={["Tips", "Team", "Events"]} />);
    fireEvent.click(screen.getByRole("button", { name: "Remove Team" }));
    expect(chips()).toEqual(["Tips", "Events"]);
    fireEvent.keyDown(screen.getByRole("textbox", { name: "Content pillars" }), { key: "Backspace" });
    expect(chips()).toEqual(["Tips"]);
  });

  it("keeps what was typed when the box is left", () => {
    render(<Harness />);
    const box = screen.getByRole("textbox", { name: "Content pillars" });
    fireEvent.change(box, { target: { value: "Behind the scenes" } });
    fireEvent.blur(box);
    expect(chips()).toEqual(["Behind the scenes"]);
  });
});
