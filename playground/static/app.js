// The playground's page: what Discord's app shows and sends, for the bot running behind it.
// Every text from the bot or from people is put into the page as text (textContent), or through
// md(), which escapes it first and then adds only its own tags.
"use strict";

const TEXTS = {
  en: {
    you_are: "You are", language: "Discord language", next_day: "Next day »", send: "Send",
    cancel: "Cancel", submit: "Submit", channels: "Text channels", dms: "Direct messages",
    about: "A playground: the real bot, a stand-in for Discord. Nothing leaves this computer.",
    placeholder: "Message #{channel} — type / for commands",
    placeholder_dm: "Message @{channel} — type / for commands",
    commands: "Commands", options: "Options", choices: "Choices", add_option: "+ {name}",
    only_you: "Only you can see this", thinking: "{bot} is thinking…", used: "used",
    edited: "(edited)", empty: "No messages here yet.", late: "The application did not respond.",
    no_commands: "No commands here.", not_command: "Type / and choose a command: the bot reads no messages.",
    missing: "Fill in: {names}", yes: "True", no: "False", choose: "Choose…", bot: "BOT",
    "person.member": "member", "person.member2": "second member", "person.staff": "staff",
    "person.admin": "admin", "person.guest": "guest (not a member)",
    "refused.discord": "Discord would not send this: {detail}",
    "refused.command": "That command is not available here.",
    "refused.modal": "This form has expired. Open it again.",
    "refused.message": "That message is gone.", "refused.disabled": "That button is disabled.",
    "refused.unsupported": "The playground cannot show this kind of field yet.",
    "refused.request": "The page sent something odd: {detail}", error: "Something went wrong: {detail}",
    starting: "The bot is starting…",
  },
  ja: {
    you_are: "あなたは", language: "Discord の言語", next_day: "翌日へ »", send: "送信",
    cancel: "キャンセル", submit: "送信", channels: "テキストチャンネル", dms: "ダイレクトメッセージ",
    about: "体験版：本物のボットと、Discord の代役です。このコンピューターの外には何も送られません。",
    placeholder: "#{channel} へメッセージを送信 — / でコマンド",
    placeholder_dm: "@{channel} へメッセージを送信 — / でコマンド",
    commands: "コマンド", options: "オプション", choices: "候補", add_option: "+ {name}",
    only_you: "これはあなただけに表示されています", thinking: "{bot} が考え中…", used: "が使用しました",
    edited: "（編集済み）", empty: "まだメッセージはありません。", late: "アプリケーションが応答しませんでした。",
    no_commands: "ここで使えるコマンドはありません。", not_command: "/ を入力してコマンドを選んでください（ボットはメッセージを読みません）。",
    missing: "入力してください：{names}", yes: "はい", no: "いいえ", choose: "選択…", bot: "BOT",
    "person.member": "会員", "person.member2": "2人目の会員", "person.staff": "スタッフ",
    "person.admin": "管理者", "person.guest": "ゲスト（非会員）",
    "refused.discord": "Discord はこれを送信しません：{detail}",
    "refused.command": "このコマンドはここでは使えません。",
    "refused.modal": "このフォームは期限切れです。もう一度開いてください。",
    "refused.message": "そのメッセージはもうありません。", "refused.disabled": "このボタンは無効です。",
    "refused.unsupported": "この種類の入力欄はまだ表示できません。",
    "refused.request": "ページの送信内容に問題があります：{detail}", error: "エラーが発生しました：{detail}",
    starting: "ボットを起動しています…",
  },
};
const LOCALE = { en: "en-US", ja: "ja" };
const SUB_COMMAND = 1, SUB_GROUP = 2, STRING = 3, INTEGER = 4, BOOLEAN = 5, USER = 6, CHANNEL = 7,
  ROLE = 8, NUMBER = 10, ATTACHMENT = 11;
const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link" };

const state = {
  person: localStorage.getItem("person") || "member",
  language: localStorage.getItem("language") || "en",
  channel: null, world: null, messages: [], seen: {},
  command: null, // {path, spec, options: [...], values: {name: {value, label, file}}}
  popup: null, modal: null,
};
const $ = (id) => document.getElementById(id);

function t(key, params = {}) {
  const text = TEXTS[state.language][key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "html") node.innerHTML = value; // only ever md() output
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

// ------------------------------------------------------------------ talking to the page's server
async function api(path, body, files) {
  let init;
  if (body === undefined) init = { method: "GET" };
  else if (files && files.length) {
    const form = new FormData();
    form.append("payload", JSON.stringify(body));
    for (const [name, file] of files) form.append(name, file, file.name);
    init = { method: "POST", body: form };
  } else {
    init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error || response.status), data);
  return data;
}

function who() {
  return { person: state.person, language: state.language };
}

function explain(error) {
  const key = error.error || "";
  return TEXTS.en[key] ? t(key, { detail: error.detail || "" }) : t("error", { detail: error.message });
}

function notice(text) {
  const box = $("notice");
  box.textContent = text || "";
  box.hidden = !text;
}

// ------------------------------------------------------------------ the world and its channels
async function loadWorld() {
  const query = new URLSearchParams({ person: state.person });
  state.world = await api(`/api/world?${query}`);
  const channels = state.world.channels;
  if (!channels.some((c) => c.id === state.channel)) state.channel = channels[0].id;
  renderSidebar();
}

function currentChannel() {
  return state.world.channels.find((c) => c.id === state.channel);
}

function renderSidebar() {
  const world = state.world;
  $("guild-name").textContent = world.guild;
  document.documentElement.lang = state.language;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  const list = $("channel-list");
  list.replaceChildren();
  const seen = (state.seen[state.person] ||= {});
  const entry = (channel) => {
    const unread = channel.latest && channel.id !== state.channel && channel.latest !== seen[channel.id];
    return el("button", {
      class: `channel${channel.id === state.channel ? " current" : ""}${unread ? " unread" : ""}`,
      type: "button", "data-channel": channel.name, "aria-current": channel.id === state.channel ? "page" : null,
      onclick: () => openChannel(channel.id),
    }, el("span", { class: "hash", text: channel.dm ? "@" : "#" }), el("span", { text: channel.name }),
    unread ? el("span", { class: "dot", "aria-label": "unread" }) : null);
  };
  list.append(el("div", { class: "list-heading", text: t("channels") }));
  for (const channel of world.channels.filter((c) => !c.dm)) list.append(entry(channel));
  list.append(el("div", { class: "list-heading", text: t("dms") }));
  for (const channel of world.channels.filter((c) => c.dm)) list.append(entry(channel));

  const people = $("person");
  people.replaceChildren(...world.people.map((p) => el("option", {
    value: p.key, text: `${p.name} (${t(`person.${p.key}`)})`, selected: p.key === state.person,
  })));
  $("language").value = state.language;
  const now = new Date(world.now);
  $("clock").textContent = now.toLocaleDateString(LOCALE[state.language], {
    timeZone: "Asia/Tokyo", year: "numeric", month: "short", day: "numeric", weekday: "short",
  });
  const channel = currentChannel();
  $("channel-title").textContent = `${channel.dm ? "@" : "#"} ${channel.name}`;
  $("message-box").placeholder = t(channel.dm ? "placeholder_dm" : "placeholder", { channel: channel.name });
}

async function openChannel(id) {
  state.channel = id;
  resetCommand();
  await refresh();
}

async function loadMessages() {
  const query = new URLSearchParams({ person: state.person, channel: state.channel });
  const { messages } = await api(`/api/messages?${query}`);
  state.messages = messages;
  const last = messages[messages.length - 1];
  (state.seen[state.person] ||= {})[state.channel] = last ? last.id : undefined;
  renderMessages();
}

let refreshing = null, again = false;
async function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    try {
      do {
        again = false;
        await loadWorld();
        await loadMessages();
        renderSidebar();
      } while (again);
    } catch (error) {
      if (error.error === "starting") {
        notice(t("starting"));
        setTimeout(refresh, 250);
      } else {
        notice(explain(error));
      }
      return;
    } finally {
      refreshing = null;
    }
    if ($("notice").textContent === t("starting")) notice("");
  })();
  return refreshing;
}

// ------------------------------------------------------------------ markdown, escaped first
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function commandName(name) {
  const command = state.world.directory.commands.find((c) => c.name === name.split(" ")[0]);
  if (!command || state.language !== "ja") return name;
  const parts = name.split(" ");
  const out = [];
  let holder = { options: [command] };
  for (const part of parts) {
    const spec = (holder.options || []).find((o) => o.name === part);
    if (!spec) { out.push(part); continue; }
    out.push((spec.name_localizations || {}).ja || part);
    holder = spec;
  }
  return out.join(" ");
}

function formatStamp(seconds, style) {
  const date = new Date(Number(seconds) * 1000);
  const locale = LOCALE[state.language];
  if (style === "R") {
    const days = Math.round((date - new Date(state.world.now)) / 86400000);
    return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(days, "day");
  }
  const options = {
    t: { timeStyle: "short" }, T: { timeStyle: "medium" }, d: { dateStyle: "short" },
    D: { dateStyle: "long" }, F: { dateStyle: "full", timeStyle: "short" },
  }[style] || { dateStyle: "long", timeStyle: "short" };
  return date.toLocaleString(locale, { timeZone: "Asia/Tokyo", ...options });
}

function inline(text) {
  // text is already escaped; only the page's own tags are added here
  const directory = state.world.directory;
  const codes = [];
  text = text.replace(/`([^`\n]+)`/g, (_, code) => { codes.push(code); return `\u0000${codes.length - 1}\u0000`; });
  text = text
    .replace(/&lt;@!?(\d+)&gt;/g, (_, id) => `<span class="mention">@${escapeHtml(directory.users[id] || "unknown-user")}</span>`)
    .replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => `<span class="mention">@${escapeHtml(directory.roles[id] || "deleted-role")}</span>`)
    .replace(/&lt;#(\d+)&gt;/g, (_, id) => `<span class="mention">#${escapeHtml(directory.channels[id] || "unknown")}</span>`)
    .replace(/&lt;\/([\w\- ]+):(\d+)&gt;/g, (_, name) => `<span class="mention">/${escapeHtml(commandName(name))}</span>`)
    .replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, s, style) => `<span class="stamp">${escapeHtml(formatStamp(s, style))}</span>`)
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_, label, url) => `<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`)
    .replace(/\*\*\*(.+?)\*\*\*/g, "<b><i>$1</i></b>")
    .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
    .replace(/__(.+?)__/g, "<u>$1</u>")
    .replace(/(^|[^\w*])\*(?!\s)(.+?)\*(?!\w)/g, "$1<i>$2</i>")
    .replace(/(^|\W)_(?!\s)(.+?)_(?!\w)/g, "$1<i>$2</i>")
    .replace(/~~(.+?)~~/g, "<s>$1</s>")
    .replace(/\|\|(.+?)\|\|/g, "$1");
  return text.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
}

function md(source) {
  if (!source) return "";
  const blocks = [];
  const escaped = escapeHtml(source).replace(/```(?:\w*\n)?([\s\S]*?)```/g, (_, code) => {
    blocks.push(code);
    return `\u0001${blocks.length - 1}\u0001`;
  });
  const lines = escaped.split("\n").map((line) => {
    let m;
    if ((m = line.match(/^(#{1,3}) (.*)$/))) return `<h${m[1].length}>${inline(m[2])}</h${m[1].length}>`;
    if ((m = line.match(/^-# (.*)$/))) return `<small>${inline(m[1])}</small>`;
    if ((m = line.match(/^&gt; (.*)$/))) return `<blockquote>${inline(m[1])}</blockquote>`;
    if ((m = line.match(/^(\s*)[-*] (.*)$/))) return `${m[1]}• ${inline(m[2])}`;
    return inline(line);
  });
  return lines.join("\n").replace(/\u0001(\d+)\u0001/g, (_, i) => `<pre>${blocks[Number(i)]}</pre>`);
}

// ------------------------------------------------------------------ messages
function mediaUrl(url, message) {
  if (!url) return null;
  if (url.startsWith("attachment://")) {
    const name = url.slice("attachment://".length);
    const found = (message.attachments || []).find((a) => a.filename === name);
    return found ? found.url : null;
  }
  return url.startsWith("/cdn/") ? url : null; // nothing is loaded from elsewhere
}

function isImage(name) {
  return /\.(png|jpe?g|gif|webp)$/i.test(name || "");
}

function renderMessages() {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren();
  if (!state.messages.length) box.append(el("div", { class: "empty", text: t("empty") }));
  for (const message of state.messages) box.append(renderMessage(message));
  if (atBottom || state.scrollDown) box.scrollTop = box.scrollHeight;
  state.scrollDown = false;
}

function userName(id) {
  return state.world.directory.users[id] || "someone";
}

function renderMessage(message) {
  const bot = state.world.directory.bot;
  const when = new Date(message.timestamp);
  const body = el("div", { class: "body" });
  if (message.thinking) body.append(el("div", { class: "thinking", text: t("thinking", { bot: bot.name }) }));
  if (message.content) {
    body.append(el("div", { class: "content", html: md(message.content) },
      message.edited_timestamp ? el("span", { class: "edited", text: ` ${t("edited")}` }) : null));
  }
  for (const embed of message.embeds || []) body.append(renderEmbed(embed, message));
  const files = (message.attachments || []).filter((a) => !(message.embeds || []).some((e) =>
    [e.image, e.thumbnail].some((m) => m && m.url === `attachment://${a.filename}`)));
  if (files.length) {
    body.append(el("div", { class: "attachments" }, files.map((a) => {
      const url = mediaUrl(a.url, message); // the page's own files only
      if (!url) return el("span", { class: "attachment-file", text: a.filename });
      return isImage(a.filename)
        ? el("img", { class: "attachment-image", src: url, alt: a.filename })
        : el("a", { class: "attachment-file", href: url, download: a.filename, text: a.filename });
    })));
  }
  body.append(...renderComponents(message.components || [], message));
  if (message.ephemeral) body.append(el("div", { class: "only-you", text: t("only_you") }));
  const node = el("article", {
    class: `message${message.ephemeral ? " ephemeral" : ""}`, "data-id": message.id,
  });
  if (message.used) {
    node.append(el("div", { class: "used" }, el("b", { text: userName(message.used.user) }),
      ` ${t("used")} `, el("b", { text: `/${commandName(message.used.command.join(" "))}` })));
  }
  node.append(
    el("div", { class: "avatar", "aria-hidden": "true", text: (message.author || "?").slice(0, 1).toUpperCase() }),
    el("div", { class: "head" }, el("span", { class: "author", text: message.author }),
      message.author === bot.name ? el("span", { class: "bot-tag", text: t("bot") }) : null,
      el("time", { class: "time", datetime: message.timestamp, text: when.toLocaleString(LOCALE[state.language], {
        timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" }) })),
    body);
  return node;
}

function renderEmbed(embed, message) {
  const color = embed.color ? `#${Number(embed.color).toString(16).padStart(6, "0")}` : null;
  const node = el("div", { class: "embed" });
  if (color) node.style.borderLeftColor = color;
  const thumb = mediaUrl(embed.thumbnail && embed.thumbnail.url, message);
  if (thumb) node.append(el("img", { class: "embed-thumbnail", src: thumb, alt: "" }));
  if (embed.author && embed.author.name) node.append(el("div", { class: "embed-author", text: embed.author.name }));
  if (embed.title) {
    const title = el("div", { class: "embed-title" });
    if (embed.url && /^https?:\/\//.test(embed.url)) title.append(el("a", { href: embed.url, target: "_blank", rel: "noopener noreferrer", html: inline(escapeHtml(embed.title)) }));
    else title.innerHTML = inline(escapeHtml(embed.title));
    node.append(title);
  }
  if (embed.description) node.append(el("div", { class: "content", html: md(embed.description) }));
  if ((embed.fields || []).length) {
    node.append(el("div", { class: "embed-fields" }, embed.fields.map((f) => el("div", {
      class: `embed-field${f.inline ? " inline" : ""}`,
    }, el("div", { class: "embed-field-name", html: inline(escapeHtml(f.name || "")) }),
    el("div", { class: "content", html: md(f.value || "") })))));
  }
  const image = mediaUrl(embed.image && embed.image.url, message);
  if (image) node.append(el("img", { src: image, alt: embed.title || "" }));
  const footer = [embed.footer && embed.footer.text, embed.timestamp && new Date(embed.timestamp)
    .toLocaleString(LOCALE[state.language], { timeZone: "Asia/Tokyo", dateStyle: "medium" })].filter(Boolean);
  if (footer.length) node.append(el("div", { class: "embed-footer", text: footer.join(" • ") }));
  return node;
}

function renderComponents(components, message) {
  return components.map((c) => renderComponent(c, message)).filter(Boolean);
}

function renderComponent(c, message) {
  switch (c.type) {
    case 1: return el("div", { class: "row" }, renderComponents(c.components || [], message));
    case 2: {
      const style = BUTTON_STYLES[c.style] || "secondary";
      const label = `${c.emoji && c.emoji.name ? `${c.emoji.name} ` : ""}${c.label || ""}`;
      if (c.style === 5) {
        return /^https?:\/\//.test(c.url || "") ? el("a", { class: "button link", href: c.url, target: "_blank", rel: "noopener noreferrer", text: `${label} ↗` }) : null;
      }
      return el("button", { class: `button ${style}`, type: "button", disabled: !!c.disabled, text: label,
        onclick: () => click(message, c.custom_id) });
    }
    case 3: {
      const multiple = (c.max_values || 1) > 1;
      const select = el("select", { multiple, disabled: !!c.disabled, "aria-label": c.placeholder || c.custom_id },
        multiple ? null : el("option", { value: "", text: c.placeholder || t("choose") }),
        (c.options || []).map((o) => el("option", { value: o.value, text: o.label, selected: !!o.default })));
      select.addEventListener("change", () => {
        const values = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
        if (values.length) click(message, c.custom_id, values);
      });
      return el("div", { class: "row" }, select);
    }
    case 9: return el("div", { class: "section" }, el("div", {}, renderComponents(c.components || [], message)),
      c.accessory ? renderComponent(c.accessory, message) : null);
    case 10: return el("div", { class: "content", html: md(c.content) });
    case 11: {
      const src = mediaUrl(c.media && c.media.url, message);
      return src ? el("img", { class: "embed-thumbnail", src, alt: c.description || "" }) : null;
    }
    case 12: return el("div", { class: "attachments gallery" }, (c.items || []).map((item) => {
      const src = mediaUrl(item.media && item.media.url, message);
      return src ? el("img", { src, alt: item.description || "" }) : null;
    }));
    case 13: {
      const src = mediaUrl(c.file && c.file.url, message);
      return src ? el("a", { class: "attachment-file", href: src, text: src.split("/").pop() }) : null;
    }
    case 14: return el("hr", { class: "separator" });
    case 17: {
      const node = el("div", { class: "container" }, renderComponents(c.components || [], message));
      if (c.accent_color) node.style.borderLeftColor = `#${Number(c.accent_color).toString(16).padStart(6, "0")}`;
      return node;
    }
    default: return null;
  }
}

async function click(message, customId, values) {
  notice("");
  try {
    const outcome = await api("/api/click", { ...who(), message: message.id, custom_id: customId, values });
    handleOutcome(outcome);
  } catch (error) {
    notice(explain(error));
  }
}

function handleOutcome(outcome) {
  if (outcome.late) notice(t("late"));
  if (outcome.modal) openModal(outcome.modal);
  state.scrollDown = true;
  refresh();
}

// ------------------------------------------------------------------ the command box
function localName(spec) {
  return (state.language === "ja" && (spec.name_localizations || {}).ja) || spec.name;
}

function localDescription(spec) {
  return (state.language === "ja" && (spec.description_localizations || {}).ja) || spec.description || "";
}

function leafCommands() {
  const usable = new Set(currentChannel().commands);
  const leaves = [];
  const walk = (spec, names, labels) => {
    const subs = (spec.options || []).filter((o) => o.type === SUB_COMMAND || o.type === SUB_GROUP);
    if (!subs.length) {
      leaves.push({ path: names.join(" "), label: labels.join(" "), spec, description: localDescription(spec) });
      return;
    }
    for (const sub of subs) walk(sub, [...names, sub.name], [...labels, localName(sub)]);
  };
  for (const command of state.world.directory.commands) {
    if (usable.has(command.name)) walk(command, [command.name], [localName(command)]);
  }
  return leaves.sort((a, b) => a.label.localeCompare(b.label));
}

function showPopup(heading, items, onPick, owner) {
  const popup = $("popup");
  popup.replaceChildren(el("div", { class: "popup-heading", text: heading }));
  if (!items.length) {
    popup.append(el("div", { class: "empty", text: t("no_commands") }));
  }
  items.forEach((item, index) => popup.append(el("button", {
    class: `choice${index === 0 ? " active" : ""}`, type: "button", role: "option",
    onmousedown: (event) => { event.preventDefault(); onPick(item); },
  }, el("span", { class: "name", text: item.label }), el("span", { class: "description", text: item.description || "" }))));
  popup.hidden = false;
  state.popup = { items, onPick, index: 0, owner };
}

function hidePopup() {
  $("popup").hidden = true;
  state.popup = null;
}

function movePopup(step) {
  const popup = state.popup;
  if (!popup || !popup.items.length) return;
  popup.index = (popup.index + step + popup.items.length) % popup.items.length;
  [...$("popup").querySelectorAll(".choice")].forEach((node, i) => node.classList.toggle("active", i === popup.index));
}

function onMessageInput() {
  const text = $("message-box").value;
  if (state.command) return;
  if (text.startsWith("/")) {
    const wanted = text.slice(1).trim().toLowerCase();
    const matches = leafCommands().filter((c) => c.label.toLowerCase().includes(wanted) || c.path.includes(wanted));
    showPopup(t("commands"), matches, chooseCommand, $("message-box"));
  } else {
    hidePopup();
  }
}

function chooseCommand(command) {
  hidePopup();
  notice("");
  const options = (command.spec.options || []).filter((o) => o.type !== SUB_COMMAND && o.type !== SUB_GROUP);
  state.command = { ...command, options, shown: options.filter((o) => o.required).map((o) => o.name), values: {} };
  $("message-box").value = "";
  $("message-box").hidden = true;
  renderCommand();
  const first = document.querySelector("#option-fields input, #option-fields select");
  if (first) first.focus();
}

function resetCommand() {
  state.command = null;
  $("command-chip").hidden = true;
  $("option-fields").replaceChildren();
  $("more-options").replaceChildren();
  $("message-box").hidden = false;
  $("message-box").value = "";
  hidePopup();
}

function renderCommand() {
  const command = state.command;
  const chip = $("command-chip");
  chip.textContent = `/${command.label}`;
  chip.hidden = false;
  const fields = $("option-fields");
  fields.replaceChildren(...command.shown.map((name) => optionField(command.options.find((o) => o.name === name))));
  $("more-options").replaceChildren(...command.options.filter((o) => !command.shown.includes(o.name)).map((o) =>
    el("button", { type: "button", title: localDescription(o), text: t("add_option", { name: localName(o) }), onclick: () => {
      command.shown.push(o.name);
      renderCommand();
      const input = document.querySelector(`[data-option="${o.name}"] input, [data-option="${o.name}"] select`);
      if (input) input.focus();
    } })));
}

function optionField(spec) {
  const command = state.command;
  const values = command.values;
  const holder = el("label", { class: `option${spec.required ? " required" : ""}`, "data-option": spec.name, title: localDescription(spec) },
    el("span", { text: localName(spec) }));
  const directory = state.world.directory;
  const pick = (entries) => {
    const select = el("select", { name: spec.name },
      el("option", { value: "", text: t("choose") }),
      entries.map(([value, label]) => el("option", { value, text: label, selected: values[spec.name] && values[spec.name].value === value })));
    select.addEventListener("change", () => {
      if (select.value) values[spec.name] = { value: select.value };
      else delete values[spec.name];
    });
    return select;
  };
  if (spec.choices && spec.choices.length) {
    holder.append(pick(spec.choices.map((c) => [String(c.value), localName(c)])));
  } else if (spec.type === BOOLEAN) {
    holder.append(pick([["true", t("yes")], ["false", t("no")]]));
  } else if (spec.type === USER) {
    holder.append(pick(Object.entries(directory.users).filter(([id]) => id !== directory.bot.id)));
  } else if (spec.type === CHANNEL) {
    holder.append(pick(Object.entries(directory.channels)));
  } else if (spec.type === ROLE) {
    holder.append(pick(Object.entries(directory.roles)));
  } else if (spec.type === ATTACHMENT) {
    const input = el("input", { type: "file", name: spec.name });
    input.addEventListener("change", () => {
      if (input.files[0]) values[spec.name] = { file: input.files[0] };
      else delete values[spec.name];
    });
    holder.append(input);
  } else {
    const input = el("input", { type: "text", name: spec.name, value: values[spec.name] ? values[spec.name].label ?? values[spec.name].value : "" });
    input.addEventListener("input", () => {
      if (input.value) values[spec.name] = { value: input.value };
      else delete values[spec.name];
      if (spec.autocomplete) suggest(spec, input);
    });
    input.addEventListener("focus", () => { if (spec.autocomplete) suggest(spec, input); });
    input.addEventListener("blur", () => setTimeout(() => {
      if (state.popup && state.popup.owner === input) hidePopup(); // only its own choices
    }, 100));
    holder.append(input);
  }
  return holder;
}

let suggestTimer = null, suggestion = 0;
function suggest(spec, input) {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const asked = ++suggestion;
    const command = state.command;
    const options = {};
    for (const [name, entry] of Object.entries(command.values)) if (!entry.file) options[name] = entry.value;
    options[spec.name] = input.value;
    try {
      const { choices } = await api("/api/autocomplete", {
        ...who(), channel: state.channel, command: command.path, options, focused: spec.name,
      });
      if (asked !== suggestion || state.command !== command || document.activeElement !== input) return;
      showPopup(t("choices"), choices.map((c) => ({ label: localName(c), value: String(c.value) })), (choice) => {
        clearTimeout(suggestTimer);
        suggestion += 1; // an answer still on its way is no longer wanted
        command.values[spec.name] = { value: choice.value, label: choice.label };
        input.value = choice.label;
        hidePopup();
      }, input);
    } catch (error) {
      notice(explain(error));
    }
  }, 150);
}

async function sendCommand(event) {
  event.preventDefault();
  hidePopup();
  const command = state.command;
  if (!command) {
    if ($("message-box").value.trim()) notice(t("not_command"));
    return;
  }
  const missing = command.options.filter((o) => o.required && !command.values[o.name]);
  document.querySelectorAll(".option").forEach((node) => node.classList.toggle("invalid",
    missing.some((o) => o.name === node.dataset.option)));
  if (missing.length) {
    notice(t("missing", { names: missing.map(localName).join(", ") }));
    return;
  }
  const options = {}, files = [];
  for (const [name, entry] of Object.entries(command.values)) {
    if (entry.file) files.push([name, entry.file]);
    else options[name] = entry.value;
  }
  notice("");
  try {
    const outcome = await api("/api/command", { ...who(), channel: state.channel, command: command.path, options }, files);
    resetCommand();
    handleOutcome(outcome);
  } catch (error) {
    notice(explain(error));
  }
}

function onMessageKey(event) {
  if (!state.popup) {
    if (event.key === "Escape") resetCommand();
    return;
  }
  if (event.key === "ArrowDown") { event.preventDefault(); movePopup(1); }
  else if (event.key === "ArrowUp") { event.preventDefault(); movePopup(-1); }
  else if (event.key === "Escape") hidePopup();
  else if ((event.key === "Tab" || event.key === "Enter") && state.popup.items.length) {
    event.preventDefault();
    state.popup.onPick(state.popup.items[state.popup.index]);
  }
}

// ------------------------------------------------------------------ forms (modals)
function openModal(modal) {
  state.modal = { token: modal.token, fields: [] };
  $("modal-title").textContent = modal.title || "";
  const body = $("modal-body");
  body.replaceChildren(...(modal.components || []).map(modalComponent).filter(Boolean));
  $("modal-error").hidden = true;
  $("modal-backdrop").hidden = false;
  const first = body.querySelector("input, textarea, select");
  if (first) first.focus();
}

function modalComponent(c) {
  if (c.type === 10) return el("div", { class: "content", html: md(c.content) });
  if (c.type === 1) return el("div", {}, (c.components || []).map((inner) => modalField(inner, inner.label, null)));
  if (c.type === 18) return modalField(c.component, c.label, c.description);
  return null;
}

function modalField(c, label, description) {
  const fields = state.modal.fields;
  const required = c.required !== false && c.type !== 23;
  const id = `field-${c.custom_id}`;
  const wrap = el("div", { class: "field", "data-field": c.custom_id });
  if (label) wrap.append(el("label", { class: "field-label", for: id }, label, required ? el("span", { class: "req", text: " *" }) : null));
  if (description) wrap.append(el("div", { class: "field-description", text: description }));
  let read;
  if (c.type === 4) {
    const attrs = { id, name: c.custom_id, placeholder: c.placeholder, maxlength: c.max_length, minlength: c.min_length };
    const input = c.style === 2 ? el("textarea", attrs) : el("input", { type: "text", ...attrs });
    input.value = c.value || "";
    wrap.append(input);
    if (c.max_length) {
      const counter = el("div", { class: "counter" });
      const count = () => { counter.textContent = `${input.value.length} / ${c.max_length}`; };
      input.addEventListener("input", count);
      count();
      wrap.append(counter);
    }
    read = () => ({ answer: input.value });
  } else if (c.type === 3 || c.type === 22 || c.type === 21) {
    const multiple = c.type === 22 || (c.max_values || 1) > 1;
    if (c.type === 3) {
      const select = el("select", { id, multiple },
        multiple ? null : el("option", { value: "", text: c.placeholder || t("choose") }),
        (c.options || []).map((o) => el("option", { value: o.value, text: o.label, selected: !!o.default })));
      wrap.append(select);
      read = () => ({ answer: [...select.selectedOptions].map((o) => o.value).filter(Boolean) });
    } else {
      const kind = c.type === 21 ? "radio" : "checkbox";
      const boxes = (c.options || []).map((o) => el("input", { type: kind, name: c.custom_id, value: o.value, checked: !!o.default }));
      wrap.append(...boxes.map((box, i) => el("label", { class: "check" }, box, el("span", {},
        el("span", { text: c.options[i].label }),
        c.options[i].description ? el("span", { class: "field-description", text: ` — ${c.options[i].description}` }) : null))));
      read = () => {
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        return { answer: c.type === 21 ? (chosen[0] ?? null) : chosen };
      };
    }
  } else if (c.type === 23) {
    const box = el("input", { type: "checkbox", id, checked: !!c.default });
    wrap.append(el("label", { class: "check" }, box, label ? "" : c.custom_id));
    read = () => ({ answer: box.checked });
  } else if (c.type === 19) {
    const input = el("input", { type: "file", id, multiple: (c.max_values || 1) > 1, name: c.custom_id });
    wrap.append(input);
    read = () => ({ files: [...input.files] });
  } else {
    wrap.append(el("div", { class: "field-description", text: t("refused.unsupported") }));
    return wrap;
  }
  fields.push({ id: c.custom_id, read });
  return wrap;
}

function closeModal() {
  $("modal-backdrop").hidden = true;
  state.modal = null;
}

async function submitModal(event) {
  event.preventDefault();
  const modal = state.modal;
  const answers = {}, files = [];
  for (const field of modal.fields) {
    const { answer, files: chosen } = field.read();
    if (chosen) for (const file of chosen) files.push([field.id, file]);
    else answers[field.id] = answer;
  }
  try {
    const outcome = await api("/api/submit", { ...who(), token: modal.token, answers }, files);
    closeModal();
    handleOutcome(outcome);
  } catch (error) {
    const box = $("modal-error");
    box.textContent = explain(error);
    box.hidden = false;
  }
}

// ------------------------------------------------------------------ start
function start() {
  $("person").addEventListener("change", (event) => {
    state.person = event.target.value;
    localStorage.setItem("person", state.person);
    resetCommand();
    state.scrollDown = true;
    refresh();
  });
  $("language").addEventListener("change", (event) => {
    state.language = event.target.value;
    localStorage.setItem("language", state.language);
    resetCommand();
    refresh();
  });
  $("next-day").addEventListener("click", async () => {
    try { await api("/api/next-day", {}); } catch (error) { notice(explain(error)); }
    refresh();
  });
  $("message-box").addEventListener("input", onMessageInput);
  $("message-box").addEventListener("keydown", onMessageKey);
  $("option-fields").addEventListener("keydown", (event) => {
    if (event.key === "Backspace" && event.target.value === "" && !state.popup && state.command &&
      !Object.keys(state.command.values).length) resetCommand();
    else onMessageKey(event);
  });
  $("command-form").addEventListener("submit", sendCommand);
  $("modal").addEventListener("submit", submitModal);
  $("modal-cancel").addEventListener("click", closeModal);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && state.modal) closeModal(); });
  const events = new EventSource("/api/events");
  events.onmessage = () => refresh();
  state.scrollDown = true;
  refresh();
}

start();
