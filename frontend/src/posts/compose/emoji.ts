// A small, curated set of the emoji people put in social posts, with the words to find
// them by. Built in (no dependency, no download): about 160 entries in 7 groups.

export interface Emoji {
  char: string;
  name: string;
  /** Other words it is found by. */
  keywords: string;
}

export interface EmojiGroup {
  name: string;
  items: Emoji[];
}

type Row = [string, string, string?];

const GROUPS: [string, Row[]][] = [
  [
    "Smileys",
    [
      ["😀", "grinning face", "smile happy"],
      ["😃", "big smile", "happy joy"],
      ["😄", "smiling eyes", "happy laugh"],
      ["😁", "beaming face", "grin"],
      ["😆", "laughing", "lol haha"],
      ["😅", "sweat smile", "phew relief"],
      ["😂", "tears of joy", "lol laugh funny"],
      ["🤣", "rolling on the floor", "rofl laugh"],
      ["🙂", "slight smile", "ok"],
      ["😉", "wink", "flirt"],
      ["😊", "blush", "happy shy"],
      ["😇", "halo", "angel innocent"],
      ["🥰", "smiling with hearts", "love adore"],
      ["😍", "heart eyes", "love crush"],
      ["🤩", "star struck", "wow amazing"],
      ["😘", "blowing a kiss", "love"],
      ["😋", "yum", "delicious tasty food"],
      ["😎", "sunglasses", "cool summer"],
      ["🤓", "nerd", "geek glasses"],
      ["🤔", "thinking", "hmm question"],
      ["🤗", "hug", "hugging thanks"],
      ["🤫", "shush", "secret quiet"],
      ["😐", "neutral face", "meh"],
      ["🙄", "eye roll", "whatever"],
      ["😴", "sleeping", "tired zzz"],
      ["😮", "open mouth", "surprised wow"],
      ["😱", "screaming", "shock scared"],
      ["😢", "crying", "sad tear"],
      ["😭", "sobbing", "sad cry"],
      ["😤", "huffing", "triumph proud"],
      ["😡", "angry", "mad"],
      ["🥳", "party face", "celebrate birthday"],
      ["🥺", "pleading", "please puppy eyes"],
      ["🤯", "mind blown", "wow shock"],
      ["🫶", "heart hands", "love thanks"],
    ],
  ],
  [
    "Gestures",
    [
      ["👍", "thumbs up", "like yes ok good"],
      ["👎", "thumbs down", "dislike no bad"],
      ["👏", "clapping", "applause congrats bravo"],
      ["🙌", "raised hands", "hooray celebrate"],
      ["🙏", "folded hands", "thanks please pray"],
      ["👋", "waving hand", "hello hi bye"],
      ["🤝", "handshake", "deal partner agreement"],
      ["✌️", "victory hand", "peace"],
      ["🤞", "crossed fingers", "luck hope"],
      ["👌", "ok hand", "perfect"],
      ["💪", "flexed biceps", "strong muscle gym"],
      ["👉", "pointing right", "this here"],
      ["👇", "pointing down", "below link"],
      ["👆", "pointing up", "above"],
      ["☝️", "index up", "one attention"],
      ["✍️", "writing hand", "write blog"],
      ["👀", "eyes", "look see watch"],
      ["🧠", "brain", "smart idea think"],
    ],
  ],
  [
    "Celebration",
    [
      ["🎉", "party popper", "celebrate tada congrats launch"],
      ["🎊", "confetti ball", "celebrate party"],
      ["🎈", "balloon", "party birthday"],
      ["🎁", "gift", "present giveaway birthday"],
      ["🎂", "birthday cake", "birthday anniversary"],
      ["🥂", "clinking glasses", "cheers toast celebrate"],
      ["🍾", "champagne", "celebrate cheers"],
      ["🏆", "trophy", "win award champion"],
      ["🥇", "gold medal", "first winner"],
      ["🎯", "bullseye", "target goal"],
      ["✨", "sparkles", "new shiny magic"],
      ["🌟", "glowing star", "star shine"],
      ["⭐", "star", "favourite rating"],
      ["🔥", "fire", "hot lit trending"],
      ["💯", "hundred points", "perfect score"],
      ["🚀", "rocket", "launch ship fast growth"],
      ["🎄", "christmas tree", "holiday xmas"],
      ["🎃", "jack o lantern", "halloween pumpkin"],
      ["💝", "heart with ribbon", "valentine gift"],
      ["🎶", "music notes", "song music"],
    ],
  ],
  [
    "Hearts and symbols",
    [
      ["❤️", "red heart", "love like"],
      ["🧡", "orange heart", "love"],
      ["💛", "yellow heart", "love"],
      ["💚", "green heart", "love eco"],
      ["💙", "blue heart", "love"],
      ["💜", "purple heart", "love"],
      ["🖤", "black heart", "love"],
      ["🤍", "white heart", "love"],
      ["💔", "broken heart", "sad"],
      ["💕", "two hearts", "love"],
      ["✅", "check mark", "done yes ok tick"],
      ["❌", "cross mark", "no wrong"],
      ["⚠️", "warning", "caution alert"],
      ["❗", "exclamation", "important"],
      ["❓", "question mark", "ask faq"],
      ["💡", "light bulb", "idea tip"],
      ["📌", "pushpin", "pin important"],
      ["📍", "round pin", "location place"],
      ["🔗", "link", "url chain"],
      ["➡️", "right arrow", "next"],
      ["⬇️", "down arrow", "below"],
      ["🆕", "new button", "new"],
      ["🆓", "free button", "free"],
      ["🔔", "bell", "notification reminder"],
      ["♻️", "recycling", "eco green"],
    ],
  ],
  [
    "Work and shop",
    [
      ["📣", "megaphone", "announcement news"],
      ["📢", "loudspeaker", "announcement"],
      ["📰", "newspaper", "news press"],
      ["📅", "calendar", "date event schedule"],
      ["⏰", "alarm clock", "time reminder"],
      ["⏳", "hourglass", "time countdown soon"],
      ["📈", "chart up", "growth increase stats"],
      ["📊", "bar chart", "stats data report"],
      ["💼", "briefcase", "business work job"],
      ["💻", "laptop", "computer work tech"],
      ["📱", "mobile phone", "app phone"],
      ["📷", "camera", "photo picture"],
      ["🎥", "movie camera", "video film"],
      ["🎙️", "microphone", "podcast audio"],
      ["📧", "email", "mail newsletter"],
      ["✉️", "envelope", "mail letter"],
      ["📝", "memo", "note write"],
      ["📚", "books", "read learn"],
      ["🛒", "shopping cart", "shop buy"],
      ["🛍️", "shopping bags", "shop sale buy"],
      ["💰", "money bag", "money price"],
      ["💸", "money with wings", "sale spend"],
      ["🏷️", "label", "price tag sale"],
      ["📦", "package", "shipping delivery box"],
      ["🚚", "delivery truck", "shipping delivery"],
      ["🏪", "convenience store", "shop store"],
      ["🔧", "wrench", "fix tool"],
      ["⚙️", "gear", "settings"],
      ["🔒", "lock", "secure private"],
      ["🌐", "globe with meridians", "web internet world"],
    ],
  ],
  [
    "Food and drink",
    [
      ["☕", "hot coffee", "coffee tea morning"],
      ["🍵", "tea", "green tea"],
      ["🥐", "croissant", "bakery breakfast"],
      ["🍞", "bread", "bakery"],
      ["🧁", "cupcake", "bakery sweet"],
      ["🍰", "cake", "dessert sweet"],
      ["🍪", "cookie", "biscuit sweet"],
      ["🍩", "doughnut", "donut sweet"],
      ["🍕", "pizza", "food"],
      ["🍔", "burger", "food"],
      ["🥗", "salad", "healthy food"],
      ["🍣", "sushi", "food japan"],
      ["🍎", "red apple", "fruit healthy"],
      ["🍓", "strawberry", "fruit summer"],
      ["🍷", "wine", "drink"],
      ["🍺", "beer", "drink cheers"],
      ["🍹", "tropical drink", "cocktail summer"],
    ],
  ],
  [
    "Nature and travel",
    [
      ["☀️", "sun", "sunny summer weather"],
      ["🌈", "rainbow", "pride colours"],
      ["🌧️", "rain", "weather"],
      ["❄️", "snowflake", "winter cold snow"],
      ["🌸", "cherry blossom", "spring flower"],
      ["🌻", "sunflower", "summer flower"],
      ["🌹", "rose", "flower love"],
      ["🌱", "seedling", "grow plant eco"],
      ["🌳", "tree", "nature"],
      ["🍂", "fallen leaves", "autumn fall"],
      ["🌊", "wave", "sea ocean beach"],
      ["🏖️", "beach", "summer holiday vacation"],
      ["⛰️", "mountain", "hike outdoors"],
      ["🐶", "dog", "pet puppy"],
      ["🐱", "cat", "pet kitten"],
      ["🦄", "unicorn", "magic"],
      ["🐝", "bee", "honey"],
      ["✈️", "airplane", "travel flight"],
      ["🚗", "car", "drive travel"],
      ["🏠", "house", "home"],
      ["🌍", "globe", "world earth"],
      ["🌙", "moon", "night"],
    ],
  ],
];

export const EMOJI_GROUPS: EmojiGroup[] = GROUPS.map(([name, rows]) => ({
  name,
  items: rows.map(([char, emojiName, keywords = ""]) => ({ char, name: emojiName, keywords })),
}));

export const ALL_EMOJI: Emoji[] = EMOJI_GROUPS.flatMap((group) => group.items);

/** The emoji whose name or keywords have a word starting with each word of `query`. */
export function searchEmoji(query: string): Emoji[] {
  const words = query.toLowerCase().trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return ALL_EMOJI;
  return ALL_EMOJI.filter((emoji) => {
    const own = `${emoji.name} ${emoji.keywords}`.toLowerCase().split(/\s+/);
    return words.every((word) => own.some((w) => w.startsWith(word)));
  });
}
