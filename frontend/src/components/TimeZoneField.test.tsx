import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { filterZones, pickableZones, TimeZoneField, zoneNamed } from "./TimeZoneField";

afterEach(cleanup);

const ZONES = ["UTC", "America/New_York", "America/North_Dakota/New_Salem", "Europe/Paris", "Asia/Kolkata", "Pacific/Auckland"];

describe("filterZones", () => {
  it("finds a zone by part of its place, the place's start first", () => {
    expect(filterZones(ZONES, "new y")).toEqual(["America/New_York"]);
    expect(filterZones(ZONES, "new")).toEqual(["America/New_York", "America/North_Dakota/New_Salem"]);
    expect(filterZones(ZONES, "PARIS")).toEqual(["Europe/Paris"]);
    expect(filterZones(ZONES, "")).toEqual(ZONES);
    expect(zoneNamed(ZONES, "america/new york")).toBe("America/New_York");
    expect(zoneNamed(ZONES, "New York")).toBeNull();
    // Former names find the current one.
    const current = pickableZones(["Asia/Calcutta", "Europe/Kiev", "UTC"]);
    expect(current).toEqual(["UTC", "Asia/Kolkata", "Europe/Kyiv"]);
    expect(filterZones(current, "calcutta")).toEqual(["Asia/Kolkata"]);
    expect(zoneNamed(current, "Europe/Kiev")).toBe("Europe/Kyiv");
  });
});

function Picker({ initial = "UTC", onChange = () => {} }: { initial?: string; onChange?: (tz: string) => void }) {
  const [zone, setZone] = useState(initial);
  return (
    <form>
      <TimeZoneField
        value={zone}
        onChange={(tz) => {
          setZone(tz);
          onChange(tz);
        }}
      />
      <output>{zone}</output>
    </form>
  );
}

describe("TimeZoneField", () => {
  it("filters as you type and takes a zone chosen with the keyboard", () => {
    const changed = vi.fn();
    render(<Picker onChange={changed} />);
    const input = screen.getByRole("combobox", { name: "Time zone" });
    expect(input.getAttribute("aria-expanded")).toBe("false");
    fireEvent.change(input, { target: { value: "new y" } });
    expect(input.getAttribute("aria-expanded")).toBe("true");
    const options = screen.getAllByRole("option");
    expect(options[0].textContent).toMatch(/^America\/New York\s*UTC−0[45]:00$/);
    expect(options.every((o) => /new y/i.test(o.textContent!.replace(/_/g, " ")))).toBe(true);
    // The first match is active: Enter takes it.
    expect(input.getAttribute("aria-activedescendant")).toBe(options[0].id);
    expect(options[0].getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(changed).toHaveBeenCalledWith("America/New_York");
    expect((input as HTMLInputElement).value).toBe("America/New_York");
    expect(input.getAttribute("aria-expanded")).toBe("false");
  });

  it("moves through the list with the arrow keys and closes on Escape", () => {
    render(<Picker initial="Europe/Paris" />);
    const input = screen.getByRole("combobox");
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input.getAttribute("aria-expanded")).toBe("true");
    // The whole IANA list (queried by selector: jsdom's role queries are slow on 400 items).
    const options = document.querySelectorAll('[role="option"]');
    expect(options.length).toBeGreaterThan(300);
    // It opens on the zone chosen so far.
    const paris = [...options].findIndex((o) => o.textContent!.startsWith("Europe/Paris"));
    expect(input.getAttribute("aria-activedescendant")).toBe(options[paris].id);
    fireEvent.keyDown(input, { key: "ArrowDown" });
    const second = options[paris + 1];
    expect(input.getAttribute("aria-activedescendant")).toBe(second.id);
    fireEvent.keyDown(input, { key: "Escape" });
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(screen.getByRole("status", { hidden: true }).textContent).toBe("Europe/Paris");
  });

  it("takes a click on an option", () => {
    render(<Picker />);
    const input = screen.getByRole("combobox");
    fireEvent.change(input, { target: { value: "kolk" } });
    const option = screen.getByRole("option", { name: /Asia\/Kolkata/ });
    fireEvent.mouseDown(option);
    fireEvent.click(option);
    expect(screen.getByRole("status", { hidden: true }).textContent).toBe("Asia/Kolkata");
  });

  it("refuses what is not a zone, with a message, and keeps the last good one", () => {
    const changed = vi.fn();
    render(<Picker initial="Europe/Paris" onChange={changed} />);
    const input = screen.getByRole("combobox") as HTMLInputElement;
    fireEvent.change(input, { target: { value: "Mars/Olympus" } });
    fireEvent.blur(input);
    expect(screen.getByRole("alert").textContent).toMatch(/“Mars\/Olympus” is not a time zone/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.validity.valid).toBe(false); // the form will not submit it
    expect(changed).not.toHaveBeenCalled();
    // A full name typed in another case is taken as the zone.
    fireEvent.change(input, { target: { value: "asia/kolkata" } });
    fireEvent.blur(input);
    expect(changed).toHaveBeenCalledWith("Asia/Kolkata");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(input.validity.valid).toBe(true);
  });

  it("takes a zone typed in full at once, and closes the list when nothing else matches", () => {
    const changed = vi.fn();
    render(<Picker onChange={changed} />);
    const input = screen.getByRole("combobox");
    fireEvent.change(input, { target: { value: "Europe/Paris" } });
    expect(changed).toHaveBeenCalledWith("Europe/Paris");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(screen.getByRole("status", { hidden: true }).textContent).toBe("Europe/Paris");
  });

  it("shows the server's message about the zone", () => {
    const error = new ApiError(422, "validation_error", "bad", [{ field: "timezone", message: "not an IANA time zone" }]);
    render(<TimeZoneField value="UTC" onChange={() => {}} error={error} />);
    expect(screen.getByRole("alert").textContent).toBe("not an IANA time zone");
  });
});
