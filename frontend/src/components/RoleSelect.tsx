import { useId } from "react";
import { ROLES, roleAllows, type Role } from "../api/people";

/** A role picker offering no role above `max` (nobody grants more than they have). */
export function RoleSelect({
  label,
  value,
  onChange,
  max,
  hideLabel = false,
}: {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  max: Role | null | undefined;
  hideLabel?: boolean;
}) {
  const id = useId();
  return (
    <span className="role-select">
      <label htmlFor={id} className={hideLabel ? "visually-hidden" : undefined}>
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.filter((r) => roleAllows(max, r) || r === value).map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </span>
  );
}
