import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { browserTimeZone, type Workspace } from "../api/people";
import { enterWorkspace } from "../auth/session";
import { Field, FormError } from "../components/Field";
import { TimeZoneField } from "../components/TimeZoneField";

export function NewWorkspacePage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState(browserTimeZone());
  const create = useMutation({
    mutationFn: () => api<Workspace>("/v1/workspaces", { method: "POST", body: { name, timezone } }),
    onSuccess: async (workspace) => {
      await enterWorkspace(queryClient, workspace);
      navigate("/dashboard");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section>
      <h1>New workspace</h1>
      <form className="stack-form" onSubmit={submit} aria-label="New workspace">
        <Field label="Workspace name" name="name" required value={name} onChange={(e) => setName(e.target.value)} error={create.error} />
        <TimeZoneField value={timezone} onChange={setTimezone} error={create.error} />
        <FormError error={create.error} fields={["name", "timezone"]} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create workspace"}
        </button>
      </form>
    </section>
  );
}
