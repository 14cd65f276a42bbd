// One library item as the Library page and the composer's panel show it.
import { useNetworks } from "../api/networks";
import { KIND_NAMES, type LibraryItem } from "./api";

export function ItemSummary({ item }: { item: LibraryItem }) {
  const known = useNetworks();
  const networks = Object.keys(item.variants).map((id) => known.data?.find((n) => n.id === id)?.name ?? id);
  return (
    <>
      <span className={`kind-badge kind-${item.kind}`}>{KIND_NAMES[item.kind]}</span>
      <h3>{item.name}</h3>
      {item.text && <p className="library-text">{item.text}</p>}
      {item.hashtags.length > 0 && (
        <ul className="hashtag-chips" aria-label="Hashtags">
          {item.hashtags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      )}
      {(networks.length > 0 || item.media_ids.length > 0 || item.first_comment) && (
        <p className="library-meta muted">
          {[
            networks.length > 0 ? `own text for ${networks.join(", ")}` : "",
            item.media_ids.length > 0 ? `${item.media_ids.length} media` : "",
            item.first_comment ? "first comment" : "",
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      )}
    </>
  );
}
