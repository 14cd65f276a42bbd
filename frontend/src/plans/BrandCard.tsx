import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Globe, Pencil, Plus, Sparkles, X } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { errorMessage, showToast } from "../components/Toasts";
import { extractBrand, keys, saveBrand, type BrandProfile } from "./api";
import { ChipsField } from "./ChipsField";
import { emptyProfile, inkOn, normaliseColour, writerName } from "./logic";

/** The brand profile: read from the business's website, then checked, edited and saved. */
export function BrandCard({ workspaceId, saved, readOnly }: { workspaceId: string; saved: BrandProfile | null; readOnly: boolean }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<BrandProfile | null>(null);
  const [url, setUrl] = useState(saved?.website ?? "");
  const ids = { url: useId(), urlError: useId() };

  const extract = useMutation({
    mutationFn: (address: string) => extractBrand(workspaceId, address),
    onSuccess: (profile) => setDraft({ ...profile, website: profile.website ?? url }),
  });
  const save = useMutation({
    mutationFn: (profile: BrandProfile) => saveBrand(workspaceId, profile),
    onSuccess: (profile) => {
      queryClient.setQueryData(keys.brand(workspaceId), profile);
      setDraft(null);
      showToast("Brand profile saved.");
    },
  });
  const urlError = extract.error instanceof ApiError ? (extract.error.fieldMessage("url") ?? extract.error.message) : extract.error?.message;

  const read = (event: FormEvent) => {
    event.preventDefault();
    const address = url.trim();
    if (!address) return;
    extract.mutate(/^https?:\/\//i.test(address) ? address : `https://${address}`);
  };

  return (
    <div className="brand-card">
      {!readOnly && (
        <form className="website-form" onSubmit={read}>
          <div className="field">
            <label htmlFor={ids.url}>Your website</label>
            <div className="input-with-button">
              <span className="input-icon">
                <Globe aria-hidden="true" size={16} />
                <input
                  id={ids.url}
                  type="url"
                  inputMode="url"
                  placeholder="https://yourbusiness.com"
                  value={url}
                  aria-invalid={urlError ? true : undefined}
                  aria-describedby={urlError ? ids.urlError : undefined}
                  onChange={(e) => setUrl(e.target.value)}
                />
              </span>
              <button type="submit" className="primary" disabled={extract.isPending || !url.trim()}>
                <Sparkles aria-hidden="true" size={16} />
                {extract.isPending ? "Reading your website…" : "Read my website"}
              </button>
            </div>
            {urlError && (
              <p className="field-error" id={ids.urlError} role="alert">
                {urlError}
              </p>
            )}
          </div>
        </form>
      )}
      {draft ? (
        <ProfileForm
          profile={draft}
          onChange={setDraft}
          onSave={() => save.mutate(draft)}
          onCancel={() => setDraft(null)}
          saving={save.isPending}
          error={save.error}
        />
      ) : saved ? (
        <ProfileSummary profile={saved} onEdit={readOnly ? undefined : () => setDraft(saved)} />
      ) : (
        <div className="plan-empty">
          <p>
            Schedulo reads your website for what you do, who it is for, your voice, colours and logo, so every post sounds
            and looks like you.
          </p>
          {!readOnly && (
            <button type="button" onClick={() => setDraft(emptyProfile(url))}>
              Or describe your business yourself
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function Swatches({ colours }: { colours: string[] }) {
  return (
    <ul className="swatches" aria-label="Brand colours">
      {colours.map((colour) => (
        <li key={colour} className="swatch" style={{ background: colour, color: inkOn(colour) }}>
          <span>{colour}</span>
        </li>
      ))}
    </ul>
  );
}

function ProfileSummary({ profile, onEdit }: { profile: BrandProfile; onEdit?: () => void }) {
  return (
    <article className="profile-summary" aria-label="Brand profile">
      <header className="profile-head">
        {profile.logo_url && <img className="profile-logo" src={profile.logo_url} alt={`${profile.business_name} logo`} />}
        <div>
          <h3>{profile.business_name || "Your business"}</h3>
          {profile.website && <p className="muted profile-site">{profile.website}</p>}
          {profile.written_by && (
            <p className="muted profile-site">
              {profile.written_by === "person" ? "Edited by your team" : `Written by ${writerName(profile.written_by)}`}
            </p>
          )}
        </div>
        {onEdit && (
          <button type="button" className="profile-edit" onClick={onEdit}>
            <Pencil aria-hidden="true" size={15} /> Edit profile
          </button>
        )}
      </header>
      <dl className="profile-facts">
        <div>
          <dt>What we do</dt>
          <dd>{profile.what_we_do || "—"}</dd>
        </div>
        <div>
          <dt>Audience</dt>
          <dd>{profile.audience || "—"}</dd>
        </div>
        <div>
          <dt>Voice</dt>
          <dd>{profile.voice || "—"}</dd>
        </div>
        {profile.words_to_use.length > 0 && (
          <div>
            <dt>Words to use</dt>
            <dd>
              <WordList words={profile.words_to_use} />
            </dd>
          </div>
        )}
        {profile.words_to_avoid.length > 0 && (
          <div>
            <dt>Words to avoid</dt>
            <dd>
              <WordList words={profile.words_to_avoid} avoid />
            </dd>
          </div>
        )}
        {profile.colours.length > 0 && (
          <div>
            <dt>Colours</dt>
            <dd>
              <Swatches colours={profile.colours} />
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}

function WordList({ words, avoid = false }: { words: string[]; avoid?: boolean }) {
  return (
    <ul className="chips">
      {words.map((word) => (
        <li key={word} className={avoid ? "chip chip-avoid" : "chip"}>
          {word}
        </li>
      ))}
    </ul>
  );
}

function ProfileForm({
  profile,
  onChange,
  onSave,
  onCancel,
  saving,
  error,
}: {
  profile: BrandProfile;
  onChange: (profile: BrandProfile) => void;
  onSave: () => void;
  onCancel: () => void;
  saving: boolean;
  error: unknown;
}) {
  const ids = { name: useId(), what: useId(), audience: useId(), voice: useId(), colour: useId() };
  const [colour, setColour] = useState("#4b3fd6");
  const set = <K extends keyof BrandProfile>(key: K, value: BrandProfile[K]) => onChange({ ...profile, [key]: value });
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const addColour = () => {
    const hex = normaliseColour(colour);
    if (hex && !profile.colours.includes(hex)) set("colours", [...profile.colours, hex]);
  };
  return (
    <form
      className="profile-form"
      aria-label="Brand profile"
      onSubmit={(event) => {
        event.preventDefault();
        onSave();
      }}
    >
      {profile.written_by && profile.written_by !== "person" && (
        <p className="writer-note">
          <Sparkles aria-hidden="true" size={15} /> Read from {profile.website ?? "your website"} and written by{" "}
          {writerName(profile.written_by)}. Check it, change what is not quite you, and save.
        </p>
      )}
      <div className="profile-grid">
        <div className="field">
          <label htmlFor={ids.name}>Business name</label>
          <input id={ids.name} value={profile.business_name} onChange={(e) => set("business_name", e.target.value)} />
          {fieldError("business_name") && <p className="field-error">{fieldError("business_name")}</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.voice}>Voice</label>
          <input
            id={ids.voice}
            value={profile.voice}
            placeholder="e.g. warm, down to earth, a little cheeky"
            onChange={(e) => set("voice", e.target.value)}
          />
        </div>
        <div className="field span-2">
          <label htmlFor={ids.what}>What we do</label>
          <textarea id={ids.what} rows={3} value={profile.what_we_do} onChange={(e) => set("what_we_do", e.target.value)} />
        </div>
        <div className="field span-2">
          <label htmlFor={ids.audience}>Audience</label>
          <textarea id={ids.audience} rows={2} value={profile.audience} onChange={(e) => set("audience", e.target.value)} />
        </div>
        <ChipsField label="Words to use" values={profile.words_to_use} onChange={(v) => set("words_to_use", v)} />
        <ChipsField label="Words to avoid" values={profile.words_to_avoid} onChange={(v) => set("words_to_avoid", v)} />
      </div>
      <fieldset className="choice-group">
        <legend>Colours</legend>
        <ul className="swatches" aria-label="Brand colours">
          {profile.colours.map((c) => (
            <li key={c} className="swatch" style={{ background: c, color: inkOn(c) }}>
              <span>{c}</span>
              <button
                type="button"
                className="swatch-remove"
                aria-label={`Remove colour ${c}`}
                onClick={() => set("colours", profile.colours.filter((x) => x !== c))}
              >
                <X aria-hidden="true" size={14} />
              </button>
            </li>
          ))}
          <li className="swatch-add">
            <label htmlFor={ids.colour} className="visually-hidden">
              Colour to add
            </label>
            <input id={ids.colour} type="color" value={colour} onChange={(e) => setColour(e.target.value)} />
            <button type="button" onClick={addColour}>
              <Plus aria-hidden="true" size={15} /> Add colour
            </button>
          </li>
        </ul>
      </fieldset>
      {profile.logo_url && (
        <div className="profile-logo-row">
          <img className="profile-logo" src={profile.logo_url} alt={`${profile.business_name || "Your"} logo`} />
          <span className="muted">Logo, used on your post images</span>
        </div>
      )}
      {Boolean(error) && !(error instanceof ApiError && error.details.length > 0) && (
        <p role="alert" className="form-error">
          {errorMessage(error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : "Save profile"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
