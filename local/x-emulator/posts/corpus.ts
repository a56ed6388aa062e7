/**
 * Phrase banks the generator composes tweets from. They are chosen to exercise what breaks naive stream
 * readers: 2-, 3- and 4-byte UTF-8 (accents, Arabic, Devanagari with combining marks, CJK, emoji with
 * skin tones and ZWJ sequences, flags), right-to-left text, escapes JSON must carry (quotes, backslashes,
 * newlines, tabs) and U+2028, which JSON allows raw inside strings.
 */
export interface LanguageCorpus {
  /** BCP 47 code as X reports it in `lang`. */
  lang: string;
  phrases: readonly string[];
  /** Joins phrases: a space, or nothing for scripts written without spaces. */
  separator: string;
}

export const CORPORA: readonly LanguageCorpus[] = [
  {
    lang: "en",
    separator: " ",
    phrases: [
      "Just shipped the new release to production",
      "the queue drained in under a minute",
      'she said "it works on my machine" \\o/',
      "Kinesis shards are not free, batch your writes",
      "Coffee first.\nThen the incident review.",
      "who else is watching the launch tonight?",
      "tabs\tversus spaces, round 47",
      "latency p99 finally below 200 ms",
      "thread 🧵 1/5",
      "read the docs before you page someone",
    ],
  },
  {
    lang: "ja",
    separator: "",
    phrases: [
      "今日はとても良い天気ですね。",
      "新しいリリースを本番に出しました！",
      "ラーメン食べたい🍜",
      "東京は雨☔",
      "ストリーム処理は奥が深い。",
      "𠮷野家で朝ごはん",
    ],
  },
  {
    lang: "es",
    separator: " ",
    phrases: [
      "¡Qué día tan increíble!",
      "mañana será otro día",
      "¿Alguien más vio el partido? ⚽",
      "la canción del año",
      "niño, pingüino y cigüeña",
    ],
  },
  {
    lang: "ar",
    separator: " ",
    phrases: [
      "مرحبا بالعالم",
      "صباح الخير يا أصدقاء",
      "البيانات في الوقت الحقيقي",
      "شكراً جزيلاً 🌙",
      "السلام عليكم",
    ],
  },
  {
    lang: "hi",
    separator: " ",
    phrases: ["नमस्ते दुनिया", "आज का मौसम बहुत अच्छा है", "क्रिकेट मैच देखा? 🏏", "धन्यवाद दोस्तों", "हिन्दी में ट्वीट"],
  },
  {
    lang: "zh",
    separator: "",
    phrases: ["你好，世界！", "今天天气很好。", "实时数据流处理", "周末去爬山⛰️", "谢谢大家的支持🙏"],
  },
  {
    lang: "ko",
    separator: " ",
    phrases: ["안녕하세요 여러분", "오늘 날씨 정말 좋네요", "새로운 앨범 나왔어요 🎶", "감사합니다"],
  },
  {
    lang: "pt",
    separator: " ",
    phrases: ["Bom dia, Brasil! 🇧🇷", "não acredito nisso", "ação e reação", "coração partido 💔"],
  },
  {
    lang: "fr",
    separator: " ",
    phrases: [
      "Ça va très bien, merci",
      "le café est prêt ☕",
      "où est la bibliothèque ?",
      "à bientôt\u2028les amis",
    ],
  },
  {
    lang: "ru",
    separator: " ",
    phrases: ["Привет, мир!", "Отличная погода сегодня", "поток данных в реальном времени", "Спасибо 🙂"],
  },
  {
    lang: "th",
    separator: " ",
    phrases: ["สวัสดีครับ", "วันนี้อากาศดีมาก", "ขอบคุณมากค่ะ 🙏"],
  },
];

/** Emoji of every shape: single code points, skin tones, ZWJ families, flags, keycaps. */
export const EMOJI: readonly string[] = [
  "😀",
  "🔥",
  "🚀",
  "👍🏽",
  "👩‍💻",
  "👨‍👩‍👧‍👦",
  "🏳️‍🌈",
  "🇯🇵",
  "🇪🇸",
  "1️⃣",
  "❤️",
  "✨",
  "🤖",
];

export const HASHTAGS: readonly string[] = [
  "#AWS",
  "#Kinesis",
  "#TypeScript",
  "#東京",
  "#fútbol",
  "#مرحبا",
  "#DataEngineering",
];

/** Display names for the author pool, with emoji, CJK and right-to-left scripts. */
export const DISPLAY_NAMES: readonly string[] = [
  "Ada Lovelace",
  "Grace Hopper 🐛",
  "山田太郎",
  "María José",
  "محمد علي",
  "प्रिया शर्मा",
  "김민준",
  "Zoë 🌸",
  "Jean-Luc",
  "Олег",
  "李小龙",
  "Stream Bot 🤖",
];
