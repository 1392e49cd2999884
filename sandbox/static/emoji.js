// Slack shortcodes the sandbox knows how to draw; anything else stays as :name: like an unknown custom emoji.
export const EMOJI = {
  "+1": "👍", thumbsup: "👍", "-1": "👎", thumbsdown: "👎", eyes: "👀", white_check_mark: "✅",
  heavy_check_mark: "✔️", ballot_box_with_check: "☑️", x: "❌", negative_squared_cross_mark: "❎",
  warning: "⚠️", no_entry: "⛔", no_entry_sign: "🚫", tada: "🎉", rocket: "🚀", wave: "👋", smile: "😄",
  smiley: "😃", grinning: "😀", slightly_smiling_face: "🙂", wink: "😉", joy: "😂", sweat_smile: "😅",
  thinking_face: "🤔", neutral_face: "😐", confused: "😕", cry: "😢", heart: "❤️", fire: "🔥",
  sparkles: "✨", star: "⭐", "100": "💯", clap: "👏", raised_hands: "🙌", pray: "🙏", muscle: "💪",
  ok_hand: "👌", point_right: "👉", point_left: "👈", point_up: "☝️", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", stopwatch: "⏱️", alarm_clock: "⏰", clock3: "🕒", calendar: "📆",
  date: "📅", spiral_calendar_pad: "🗓️", spiral_calendar: "🗓️", memo: "📝", pencil: "📝",
  pencil2: "✏️", ticket: "🎫", admission_tickets: "🎟️", page_facing_up: "📄", page_with_curl: "📃",
  books: "📚", book: "📖", bookmark: "🔖", mag: "🔍", mag_right: "🔎", bulb: "💡", lock: "🔒",
  unlock: "🔓", key: "🔑", bell: "🔔", pushpin: "📌", round_pushpin: "📍", link: "🔗", paperclip: "📎",
  inbox_tray: "📥", outbox_tray: "📤", email: "📧", envelope: "✉️", phone: "📞", computer: "💻",
  desktop_computer: "🖥️", gear: "⚙️", wrench: "🔧", hammer_and_wrench: "🛠️", robot_face: "🤖",
  coffee: "☕", pizza: "🍕", beers: "🍻", house: "🏠", office: "🏢", sunny: "☀️", umbrella: "☂️",
  arrow_right: "➡️", arrow_left: "⬅️", arrow_up: "⬆️", arrow_down: "⬇️", leftwards_arrow_with_hook: "↩️",
  arrow_right_hook: "↪️", repeat: "🔁", arrows_counterclockwise: "🔄", large_green_circle: "🟢",
  large_yellow_circle: "🟡", red_circle: "🔴", large_blue_circle: "🔵", white_circle: "⚪",
  information_source: "ℹ️", question: "❓", grey_question: "❔", exclamation: "❗",
  heavy_plus_sign: "➕", heavy_minus_sign: "➖", chart_with_upwards_trend: "📈",
  bar_chart: "📊", clipboard: "📋", package: "📦", construction: "🚧", rotating_light: "🚨",
  bug: "🐛", zap: "⚡", speech_balloon: "💬", thought_balloon: "💭", busts_in_silhouette: "👥",
  bust_in_silhouette: "👤", globe_with_meridians: "🌐", earth_africa: "🌍", airplane: "✈️",
  palm_tree: "🌴", party_popper: "🎉", trophy: "🏆", medal: "🏅", moneybag: "💰", dollar: "💵",
  credit_card: "💳", shield: "🛡️", file_folder: "📁", open_file_folder: "📂", card_index: "📇",
};

/** The character for a shortcode (skin tones are dropped), or null when unknown. */
export function emojiFor(name) {
  const base = String(name).replace(/^:|:$/g, "").split("::")[0];
  return EMOJI[base] ?? null;
}

/** Quick reactions offered on hover, like Slack's recently used row. */
export const QUICK_REACTIONS = ["white_check_mark", "eyes", "+1", "tada", "pray", "heart", "joy", "rocket"];
