import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { Field, FormError } from "./Field";

describe("Field", () => {
  it("shows the server's message for its own field", () => {
    const error = new ApiError(422, "validation_error", "bad", [{ field: "password", message: "too short" }]);
    render(
      <>
        <Field label="Password" name="password" error={error} />
        <Field label="Email" name="email" error={error} />
        <FormError error={error} fields={["password", "email"]} />
      </>,
    );
    expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("too short")).toBeTruthy();
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull(); // every problem is shown at its field
  });

  it("shows errors without fields as one alert", () => {
    render(<FormError error={new ApiError(401, "unauthorized", "Email or password is incorrect.")} fields={["email"]} />);
    expect(screen.getByRole("alert").textContent).toBe("Email or password is incorrect.");
  });
});
