// The Chorus sandbox page: a small Slack look-alike drawn from /api/state.
//
// Everything that comes from the server (customer text, Block Kit, names) is untrusted:
// the page builds DOM nodes and sets textContent, never HTML strings.
"use strict";

(() => {
  const POLL_MS = 700;
  const EPHEMERALS_SHOWN = 3;
  const DEFAULT_USER = "U0ANA";
  const COMMAND_EXAMPLES = ["/chorus help", "/mentions", "/mentions mine", "/claim next", "/draft"];

  // Slack shortcodes Chorus uses, and a few common ones; unknown ones stay as typed.
  const EMOJI = {
    "+1": "👍", "-1": "👎", "100": "💯", arrow_right: "➡️", bell: "🔔", bulb: "💡",
    busts_in_silhouette: "👥", chart_with_upwards_trend: "📈", clap: "👏", disappointed: "😞",
    eyes: "👀", fire: "🔥", grey_question: "❔", heart: "❤️", heavy_check_mark: "✔️",
    hourglass: "⌛", hourglass_flowing_sand: "⏳", inbox_tray: "📥", large_blue_circle: "🔵",
    large_green_circle: "🟢", large_orange_circle: "🟠", large_yellow_circle: "🟡",
    leftwards_arrow_with_hook: "↩️", link: "🔗", mag: "🔍", mega: "📣", memo: "📝", new: "🆕",
    neutral_face: "😐", no_entry_sign: "🚫", ok_hand: "👌", pencil2: "✏️", pray: "🙏",
    raising_hand: "🙋", red_circle: "🔴", rotating_light: "🚨", slightly_smiling_face: "🙂",
    small_blue_diamond: "🔹", small_orange_diamond: "🔸", smile: "😄", sparkles: "✨", star: "⭐",
    tada: "🎉", thumbsup: "👍", trophy: "🏆", warning: "⚠️", wave: "👋",
    white_check_mark: "✅", x: "❌", zap: "⚡",
  };

  const ui = {
    user: null,
    place: { kind: "channel", id: null }, // kind: channel | dm | home
    thread: null, // {channel, ts}
    state: null,
    stateKey: null,
    peopleKey: null,
    modalKey: null,
    forms: {}, // view id -> {block_id: {action_id: value}}
    errors: {}, // view id -> {block_id: message}
    gone: {}, // view id -> hash hidden locally (cancelled, or submitted and closing)
    seen: {}, // place key -> number of messages already seen there
    dismissed: new Set(),
    pending: null, // an answer to a command, shown until it shows up in the ephemerals
    inflight: false,
    again: false,
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    append(el, children);
    return el;
  }

  function append(parent, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return parent;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    const trimmed = url.trim();
    if (!/^https?:\/\//i.test(trimmed)) return null;
    try {
      const parsed = new URL(trimmed);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? trimmed : null;
    } catch {
      return null;
    }
  }

  function safeImage(url) {
    return safeUrl(url) || (typeof url === "string" && /^data:image\//i.test(url) ? url : null);
  }

  function unescapeSlack(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function emojify(text) {
    return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
  }

  // ---------------------------------------------------------------- people and places

  function person(id) {
    return (ui.state?.people || []).find((p) => p.id === id) || null;
  }

  function personName(id) {
    const found = person(id);
    if (found) return found.name;
    return id;
  }

  function channelById(id) {
    return (ui.state?.channels || []).find((c) => c.id === id) || null;
  }

  function dm() {
    return (ui.state?.dms || [])[0] || null;
  }

  function placeKey(place) {
    return place.kind === "channel" ? place.id : place.kind;
  }

  function currentConversation() {
    if (ui.place.kind === "channel") return channelById(ui.place.id);
    if (ui.place.kind === "dm") return dm();
    return null;
  }

  function messageCount(messages) {
    return (messages || []).reduce((n, m) => n + 1 + (m.replies || []).length, 0);
  }

  // ---------------------------------------------------------------- mrkdwn

  // Split Slack mrkdwn into pieces: text, `code`, ```pre``` and <control> sequences.
  function tokenize(raw) {
    const pieces = [];
    const pattern = /```([\s\S]*?)```|`([^`\n]+)`|<([^<>\n]*)>/g;
    let last = 0;
    for (let match = pattern.exec(raw); match; match = pattern.exec(raw)) {
      if (match.index > last) pieces.push({ kind: "text", text: raw.slice(last, match.index) });
      if (match[1] !== undefined) pieces.push({ kind: "pre", text: match[1] });
      else if (match[2] !== undefined) pieces.push({ kind: "code", text: match[2] });
      else pieces.push({ kind: "control", text: match[3] });
      last = pattern.lastIndex;
    }
    if (last < raw.length) pieces.push({ kind: "text", text: raw.slice(last) });
    return pieces;
  }

  function controlNode(body) {
    const bar = body.indexOf("|");
    const target = bar >= 0 ? body.slice(0, bar) : body;
    const label = bar >= 0 ? unescapeSlack(body.slice(bar + 1)) : null;
    if (target.startsWith("@")) {
      const id = target.slice(1);
      const found = person(id);
      const shown = found ? found.name : label ? label.replace(/^@/, "") : id;
      return h("span", { class: "mention-user", "data-user": id }, `@${shown}`);
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      const found = channelById(id);
      const shown = found ? found.name : label || id;
      if (!found) return h("span", { class: "mention-channel" }, `#${shown}`);
      return h(
        "button",
        { type: "button", class: "mention-channel", onclick: () => go({ kind: "channel", id }) },
        `#${shown}`,
      );
    }
    if (target.startsWith("!")) {
      const special = target.slice(1);
      if (special.startsWith("date^")) {
        const parts = special.split("^");
        const seconds = Number(parts[1]);
        const title = Number.isFinite(seconds) ? new Date(seconds * 1000).toLocaleString() : null;
        return h("time", { class: "date", title }, label || parts[1] || "");
      }
      if (["here", "channel", "everyone"].includes(special)) {
        return h("span", { class: "mention-special" }, `@${special}`);
      }
      return h("span", { class: "mention-special" }, label || special.split("^")[0]);
    }
    const url = safeUrl(unescapeSlack(target));
    const shown = label || unescapeSlack(target);
    if (!url) return document.createTextNode(shown);
    return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, shown);
  }

  // Flatten the pieces into "items": one per character of text, or an atom (link, code…).
  function itemsOf(raw) {
    const items = [];
    for (const piece of tokenize(raw)) {
      if (piece.kind === "text") {
        for (const ch of unescapeSlack(piece.text)) items.push({ ch });
      } else if (piece.kind === "code") {
        items.push({ atom: () => h("code", {}, unescapeSlack(piece.text)) });
      } else if (piece.kind === "pre") {
        items.push({ atom: () => h("pre", {}, unescapeSlack(piece.text.replace(/^\n/, ""))) });
      } else {
        items.push({ atom: () => controlNode(piece.text) });
      }
    }
    return items;
  }

  const MARKS = { "*": "strong", _: "em", "~": "s" };
  const isWordChar = (item) => !!item && item.ch !== undefined && /[\p{L}\p{N}]/u.test(item.ch);
  const isSpace = (item) => !item || (item.ch !== undefined && /\s/.test(item.ch));

  function closerOf(items, open, end) {
    const mark = items[open].ch;
    for (let j = open + 2; j < end; j++) {
      if (items[j].ch === "\n") return -1;
      if (items[j].ch === mark && !isSpace(items[j - 1]) && !isWordChar(items[j + 1])) return j;
    }
    return -1;
  }

  function formatRange(items, start, end, parent) {
    let text = "";
    const flush = () => {
      if (text) parent.append(document.createTextNode(emojify(text)));
      text = "";
    };
    for (let i = start; i < end; i++) {
      const item = items[i];
      if (item.atom) {
        flush();
        parent.append(item.atom());
        continue;
      }
      const tag = MARKS[item.ch];
      const opens = tag && !isWordChar(items[i - 1]) && i + 1 < end && !isSpace(items[i + 1]);
      const close = opens ? closerOf(items, i, end) : -1;
      if (close > 0) {
        flush();
        const inner = h(tag, {});
        formatRange(items, i + 1, close, inner);
        parent.append(inner);
        i = close;
        continue;
      }
      text += item.ch;
    }
    flush();
    return parent;
  }

  function mrkdwn(raw, extraClass) {
    const items = itemsOf(String(raw ?? ""));
    return formatRange(items, 0, items.length, h("span", { class: `mrkdwn ${extraClass || ""}` }));
  }

  function plainText(obj) {
    const text = String(obj?.text ?? "");
    return obj && obj.emoji === true ? emojify(text) : text;
  }

  // A text object as a node: mrkdwn is formatted, plain_text is shown exactly as written.
  function textNode(obj, extraClass) {
    if (!obj) return null;
    if (typeof obj === "string") return h("span", { class: `plain ${extraClass || ""}` }, obj);
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, extraClass);
    return h("span", { class: `plain ${extraClass || ""}` }, plainText(obj));
  }

  // A label (button text, option text): plain words.
  function labelOf(obj) {
    if (!obj) return "";
    if (typeof obj === "string") return obj;
    if (obj.type === "mrkdwn") return unescapeSlack(String(obj.text ?? ""));
    return emojify(String(obj.text ?? ""));
  }

  // ---------------------------------------------------------------- API

  async function api(path, body) {
    const init = { cache: "no-store" };
    if (body !== undefined) {
      init.method = "POST";
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok && !(data && data.errors)) {
      const reason = (data && (data.error || data.message)) || response.statusText;
      const error = new Error(`${path}: ${response.status} ${reason}`);
      error.status = response.status;
      throw error;
    }
    return data || {};
  }

  let toastTimer = null;
  function toast(message, isError) {
    const el = $("toast");
    el.textContent = message;
    el.dataset.kind = isError ? "error" : "info";
    el.classList.add("visible");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => el.classList.remove("visible"), isError ? 6000 : 2500);
  }

  async function post(path, body) {
    try {
      return await api(path, body);
    } catch (error) {
      toast(`Something went wrong: ${error.message}`, true);
      return null;
    } finally {
      poll();
    }
  }

  // ---------------------------------------------------------------- interactions

  function actionBody(ctx, element, block, selected) {
    return {
      user: ui.user,
      channel: ctx.channel ?? null,
      message_ts: ctx.message_ts ?? null,
      action_id: element.action_id ?? null,
      block_id: block?.block_id ?? null,
      value: element.value ?? null,
      selected_option: selected ?? null,
      view_id: ctx.view_id ?? null,
    };
  }

  function confirmed(element) {
    const ask = element.confirm;
    if (!ask) return true;
    const title = labelOf(ask.title);
    const text = labelOf(ask.text);
    return window.confirm(title ? `${title}\n\n${text}` : text);
  }

  async function act(trigger, ctx, element, block, selected) {
    if (!confirmed(element)) return;
    if (trigger) {
      trigger.setAttribute("aria-busy", "true");
      trigger.classList.add("busy");
    }
    const answer = await post("api/action", actionBody(ctx, element, block, selected));
    if (trigger) {
      trigger.removeAttribute("aria-busy");
      trigger.classList.remove("busy");
    }
    if (answer && answer.ok === false) toast(answer.error || "Chorus refused that click.", true);
  }

  function optionPayload(option) {
    if (!option) return null;
    return { text: option.text, value: option.value };
  }

  // ---------------------------------------------------------------- Block Kit

  function focusKey(ctx, element, block) {
    return [ctx.view_id || ctx.channel, ctx.message_ts, block?.block_id, element.action_id]
      .map((part) => part ?? "")
      .join("|");
  }

  function renderButton(element, ctx, block) {
    const label = labelOf(element.text);
    let cls = "btn";
    if (element.style === "primary") cls += " btn-primary";
    if (element.style === "danger") cls += " btn-danger";
    const key = focusKey(ctx, element, block);
    if (element.url !== undefined && element.url !== null) {
      const url = safeUrl(element.url);
      if (!url) return h("button", { type: "button", class: cls, disabled: true }, label);
      return h(
        "a",
        {
          class: `${cls} btn-link`,
          href: url,
          target: "_blank",
          rel: "noopener noreferrer",
          "data-focus-key": key,
          // Slack also tells the app about clicks on link buttons.
          onclick: () => act(null, ctx, element, block, null),
        },
        label,
        h("span", { class: "external", "aria-hidden": "true" }, " ↗"),
      );
    }
    return h(
      "button",
      {
        type: "button",
        class: cls,
        "data-action-id": element.action_id,
        "data-focus-key": key,
        onclick: (event) => act(event.currentTarget, ctx, element, block, null),
      },
      label,
    );
  }

  function selectOptions(element) {
    const groups = element.option_groups
      ? element.option_groups.map((g) => ({ label: labelOf(g.label), options: g.options || [] }))
      : [{ label: null, options: element.options || [] }];
    return groups;
  }

  function buildSelect(element, current, attrs) {
    const select = h("select", attrs);
    const placeholder = labelOf(element.placeholder) || "Choose an option";
    select.append(h("option", { value: "" }, placeholder));
    for (const group of selectOptions(element)) {
      const parent = group.label ? h("optgroup", { label: group.label }) : select;
      for (const option of group.options) {
        const value = String(option.value ?? "");
        parent.append(h("option", { value, selected: value === current }, labelOf(option.text)));
      }
      if (parent !== select) select.append(parent);
    }
    select.value = current || "";
    return select;
  }

  function findOption(element, value) {
    for (const group of selectOptions(element)) {
      const found = group.options.find((o) => String(o.value) === value);
      if (found) return found;
    }
    return null;
  }

  function renderSelect(element, ctx, block) {
    const current = element.initial_option ? String(element.initial_option.value) : "";
    return buildSelect(element, current, {
      class: "select",
      "aria-label": labelOf(element.placeholder) || "Choose an option",
      "data-focus-key": focusKey(ctx, element, block),
      onchange: (event) => {
        const option = findOption(element, event.currentTarget.value);
        if (option) act(null, ctx, element, block, optionPayload(option));
      },
    });
  }

  function renderOverflow(element, ctx, block) {
    const menu = h("div", { class: "overflow-menu", role: "menu" });
    const details = h(
      "details",
      { class: "overflow" },
      h("summary", { class: "btn overflow-toggle", "aria-label": "More actions" }, "⋯"),
      menu,
    );
    for (const option of element.options || []) {
      const url = option.url ? safeUrl(option.url) : null;
      menu.append(
        h(
          "button",
          {
            type: "button",
            role: "menuitem",
            class: "overflow-item",
            onclick: (event) => {
              details.open = false;
              if (url) window.open(url, "_blank", "noopener,noreferrer");
              act(event.currentTarget, ctx, element, block, optionPayload(option));
            },
          },
          labelOf(option.text),
        ),
      );
    }
    return details;
  }

  function renderDatePicker(element, ctx, block) {
    return h("input", {
      type: "date",
      class: "select",
      value: element.initial_date || "",
      "aria-label": labelOf(element.placeholder) || "Pick a date",
      onchange: (event) => {
        const picked = { ...element, selected_date: event.currentTarget.value };
        act(null, ctx, picked, block, null);
      },
    });
  }

  function renderImageElement(element, small) {
    const src = safeImage(element.image_url);
    const alt = element.alt_text || "";
    if (!src) return h("span", { class: "image-missing" }, alt ? `[${alt}]` : "[image]");
    return h("img", { class: small ? "context-image" : "accessory-image", src, alt, loading: "lazy" });
  }

  function renderElement(element, ctx, block) {
    switch (element.type) {
      case "button":
        return renderButton(element, ctx, block);
      case "static_select":
        return renderSelect(element, ctx, block);
      case "overflow":
        return renderOverflow(element, ctx, block);
      case "datepicker":
        return renderDatePicker(element, ctx, block);
      case "image":
        return renderImageElement(element, false);
      default:
        return h("span", { class: "unsupported" }, `[${element.type || "element"}]`);
    }
  }

  function richTextNode(block) {
    // Good enough for rich_text that people type: its words, one section per line.
    const out = h("div", { class: "rich-text" });
    const walk = (node, parent) => {
      if (!node) return;
      if (node.type === "text") {
        parent.append(document.createTextNode(node.text || ""));
      } else if (node.type === "link") {
        const url = safeUrl(node.url);
        const shown = node.text || node.url || "";
        const attrs = { href: url, target: "_blank", rel: "noopener noreferrer" };
        parent.append(url ? h("a", attrs, shown) : shown);
      } else if (node.type === "user") {
        parent.append(h("span", { class: "mention-user" }, `@${personName(node.user_id)}`));
      } else if (node.type === "channel") {
        parent.append(`#${channelById(node.channel_id)?.name || node.channel_id}`);
      } else if (node.type === "emoji") {
        parent.append(EMOJI[node.name] || `:${node.name}:`);
      }
      for (const child of node.elements || []) walk(child, parent);
      if (/^rich_text_(section|preformatted|quote)$/.test(node.type)) parent.append("\n");
    };
    for (const element of block.elements || []) walk(element, out);
    return out;
  }

  function renderBlock(block, ctx, index) {
    const testid = block.block_id ? `block-${block.block_id}` : null;
    switch (block.type) {
      case "section": {
        const section = h("div", { class: "block block-section", "data-testid": testid });
        const main = h("div", { class: "section-main" });
        if (block.text) main.append(textNode(block.text, "section-text"));
        if (block.fields && block.fields.length) {
          main.append(h("div", { class: "section-fields" }, block.fields.map((f) => textNode(f, "field"))));
        }
        section.append(main);
        if (block.accessory) {
          const accessory = renderElement(block.accessory, ctx, block);
          section.append(h("div", { class: "section-accessory" }, accessory));
        }
        return section;
      }
      case "context":
        return h(
          "div",
          { class: "block block-context", "data-testid": testid },
          (block.elements || []).map((e) =>
            e.type === "image" ? renderImageElement(e, true) : textNode(e, "context-text"),
          ),
        );
      case "actions":
        return h(
          "div",
          { class: "block block-actions", "data-testid": testid, role: "group" },
          (block.elements || []).map((e) => renderElement(e, ctx, block)),
        );
      case "header":
        return h("h3", { class: "block block-header", "data-testid": testid }, plainText(block.text));
      case "divider":
        return h("hr", { class: "block block-divider" });
      case "image": {
        const figure = h("figure", { class: "block block-image", "data-testid": testid });
        if (block.title) figure.append(h("figcaption", {}, labelOf(block.title)));
        figure.append(renderImageElement(block, false));
        return figure;
      }
      case "rich_text":
        return richTextNode(block);
      case "input":
        return ctx.form ? renderInput(block, ctx, index) : null;
      default:
        return h("div", { class: "block unsupported" }, `[${block.type} block]`);
    }
  }

  function renderBlocks(blocks, text, ctx) {
    const wrap = h("div", { class: "blocks" });
    if (!blocks || !blocks.length) {
      wrap.append(mrkdwn(text || "", "section-text"));
      return wrap;
    }
    blocks.forEach((block, index) => append(wrap, [renderBlock(block, ctx, index)]));
    return wrap;
  }

  // ---------------------------------------------------------------- messages

  function authorOf(userId) {
    const found = person(userId);
    if (found) return { name: found.name, app: false };
    return { name: "Chorus", app: true };
  }

  // Shared images (the digest's chart) are shown; the stand-in serves their bytes.
  function renderFiles(files) {
    return files
      .filter((file) => String(file.mimetype || "").startsWith("image/") && safeUrl(file.url_private))
      .map((file) =>
        h("img", {
          class: "message-file",
          src: safeUrl(file.url_private),
          alt: file.alt_txt || file.title || file.name || "image",
          "data-testid": `file-${file.id}`,
        }),
      );
  }

  function renderMessage(message, channel, where) {
    const author = authorOf(message.user);
    const testid = where === "parent" ? `thread-parent-${message.ts}` : `message-${message.ts}`;
    const ctx = { channel, message_ts: message.ts, view_id: null };
    const body = h(
      "div",
      { class: "message-body" },
      h(
        "div",
        { class: "message-meta" },
        h("span", { class: "author" }, author.name),
        author.app ? h("span", { class: "app-tag" }, "APP") : null,
        message.edited ? h("span", { class: "edited" }, "(edited)") : null,
      ),
      renderBlocks(message.blocks, message.text, ctx),
      ...renderFiles(message.files || []),
    );
    const replies = message.replies || [];
    if (where === "main" && replies.length) {
      const open = ui.thread && ui.thread.ts === message.ts;
      body.append(
        h(
          "button",
          {
            type: "button",
            class: `replies${open ? " open" : ""}`,
            "data-testid": `replies-${message.ts}`,
            "aria-expanded": open ? "true" : "false",
            onclick: () => openThread(channel, message.ts),
          },
          `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`,
        ),
      );
    }
    return h(
      "article",
      {
        class: `message${where === "parent" ? " thread-parent" : ""}`,
        "data-testid": testid,
        "data-ts": message.ts,
        "aria-label": `Message from ${author.name}`,
      },
      h(
        "div",
        { class: `avatar${author.app ? " avatar-app" : ""}`, "aria-hidden": "true" },
        author.name.slice(0, 1),
      ),
      body,
    );
  }

  function openThread(channel, ts) {
    ui.thread = ui.thread && ui.thread.ts === ts ? null : { channel, ts };
    renderAll();
  }

  // ---------------------------------------------------------------- modal forms

  function fieldValue(viewId, blockId, actionId, fallback) {
    const saved = ui.forms[viewId]?.[blockId]?.[actionId];
    return saved === undefined ? fallback : saved;
  }

  function remember(viewId, blockId, actionId, value) {
    const form = (ui.forms[viewId] ||= {});
    (form[blockId] ||= {})[actionId] = value;
  }

  function inputBlockId(block, index) {
    return block.block_id || `input_${index}`;
  }

  function renderInput(block, ctx, index) {
    const viewId = ctx.view_id;
    const blockId = inputBlockId(block, index);
    const element = block.element || {};
    const actionId = element.action_id || `${blockId}_input`;
    const fieldId = `field-${viewId}-${blockId}`;
    const error = ui.errors[viewId]?.[blockId];
    const hintId = block.hint ? `${fieldId}-hint` : null;
    const errorId = error ? `${fieldId}-error` : null;
    const described = [errorId, hintId].filter(Boolean).join(" ") || null;
    const common = {
      id: fieldId,
      "data-field": `${blockId}/${actionId}`,
      "data-focus-key": `${viewId}|${blockId}|${actionId}`,
      "aria-describedby": described,
      "aria-invalid": error ? "true" : null,
      "aria-required": block.optional ? null : "true",
    };
    let control;
    switch (element.type) {
      case "static_select": {
        const initial = element.initial_option ? String(element.initial_option.value) : "";
        const current = fieldValue(viewId, blockId, actionId, initial);
        control = buildSelect(element, current, {
          ...common,
          class: "select",
          onchange: (event) => remember(viewId, blockId, actionId, event.currentTarget.value),
        });
        break;
      }
      case "radio_buttons":
      case "checkboxes": {
        const multi = element.type === "checkboxes";
        const initial = multi
          ? (element.initial_options || []).map((o) => String(o.value))
          : element.initial_option ? [String(element.initial_option.value)] : [];
        const chosen = new Set(fieldValue(viewId, blockId, actionId, initial));
        control = h("div", { ...common, role: multi ? "group" : "radiogroup", class: "choices" });
        for (const option of element.options || []) {
          const value = String(option.value);
          const box = h("input", {
            type: multi ? "checkbox" : "radio",
            name: fieldId,
            value,
            checked: chosen.has(value),
            onchange: () => {
              const picked = [...control.querySelectorAll("input:checked")].map((i) => i.value);
              remember(viewId, blockId, actionId, picked);
            },
          });
          control.append(h("label", { class: "choice" }, box, " ", labelOf(option.text)));
        }
        break;
      }
      case "datepicker": {
        const current = fieldValue(viewId, blockId, actionId, element.initial_date || "");
        control = h("input", {
          ...common,
          type: "date",
          class: "text-input",
          value: current,
          oninput: (event) => remember(viewId, blockId, actionId, event.currentTarget.value),
        });
        break;
      }
      default: {
        const kinds = { url_text_input: "url", email_text_input: "email", number_input: "number" };
        const current = fieldValue(viewId, blockId, actionId, element.initial_value || "");
        const attrs = {
          ...common,
          class: "text-input",
          placeholder: labelOf(element.placeholder) || null,
          maxlength: element.max_length || null,
          oninput: (event) => remember(viewId, blockId, actionId, event.currentTarget.value),
        };
        control = element.multiline
          ? h("textarea", { ...attrs, rows: 6 })
          : h("input", { ...attrs, type: kinds[element.type] || "text" });
        control.value = current;
      }
    }
    const label = h(
      "label",
      { class: "input-label", for: fieldId, id: `${fieldId}-label` },
      labelOf(block.label),
      block.optional ? h("span", { class: "optional" }, " (optional)") : null,
    );
    if (control.getAttribute("role")) control.setAttribute("aria-labelledby", `${fieldId}-label`);
    return h(
      "div",
      { class: `block block-input${error ? " has-error" : ""}`, "data-testid": `input-${blockId}` },
      label,
      control,
      error ? h("p", { class: "input-error", id: errorId, "data-testid": `error-${blockId}` }, error) : null,
      block.hint ? h("p", { class: "input-hint", id: hintId }, labelOf(block.hint)) : null,
    );
  }

  function collectValues(view) {
    const values = {};
    const missing = {};
    (view.blocks || []).forEach((block, index) => {
      if (block.type !== "input") return;
      const blockId = inputBlockId(block, index);
      const element = block.element || {};
      const actionId = element.action_id || `${blockId}_input`;
      let entry;
      let empty;
      switch (element.type) {
        case "static_select": {
          const initial = element.initial_option ? String(element.initial_option.value) : "";
          const option = findOption(element, fieldValue(view.id, blockId, actionId, initial));
          entry = { type: "static_select", selected_option: optionPayload(option) };
          empty = !option;
          break;
        }
        case "radio_buttons":
        case "checkboxes": {
          const multi = element.type === "checkboxes";
          const initial = multi
            ? (element.initial_options || []).map((o) => String(o.value))
            : element.initial_option ? [String(element.initial_option.value)] : [];
          const picked = fieldValue(view.id, blockId, actionId, initial)
            .map((value) => findOption(element, value))
            .filter(Boolean)
            .map(optionPayload);
          entry = multi
            ? { type: "checkboxes", selected_options: picked }
            : { type: "radio_buttons", selected_option: picked[0] || null };
          empty = picked.length === 0;
          break;
        }
        case "datepicker": {
          const date = fieldValue(view.id, blockId, actionId, element.initial_date || "");
          entry = { type: "datepicker", selected_date: date || null };
          empty = !date;
          break;
        }
        default: {
          const text = fieldValue(view.id, blockId, actionId, element.initial_value || "");
          entry = { type: element.type || "plain_text_input", value: text === "" ? null : text };
          empty = text.trim() === "";
        }
      }
      values[blockId] = { [actionId]: entry };
      if (empty && !block.optional) missing[blockId] = "Please complete this required field.";
    });
    return { values, missing };
  }

  function topView() {
    const views = (ui.state?.views || []).filter((v) => !(v.id in ui.gone && ui.gone[v.id] === viewHash(v)));
    return views[views.length - 1] || null;
  }

  function viewHash(view) {
    return view.hash || JSON.stringify([view.title, view.blocks, view.submit]);
  }

  async function submitView(view, button) {
    const { values, missing } = collectValues(view);
    if (Object.keys(missing).length) {
      ui.errors[view.id] = missing;
      renderModal(true);
      return;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const answer = await post("api/submit", { user: ui.user, view_id: view.id, values });
    if (!answer) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      return;
    }
    if (answer.ok === false) {
      ui.errors[view.id] = answer.errors || {};
      if (!answer.errors) toast(answer.error || "Chorus did not accept the form.", true);
      renderModal(true);
      return;
    }
    delete ui.errors[view.id];
    ui.gone[view.id] = viewHash(view);
    renderModal(true);
  }

  function closeView(view) {
    ui.gone[view.id] = viewHash(view);
    delete ui.forms[view.id];
    delete ui.errors[view.id];
    renderModal(true);
    post("api/close", { user: ui.user, view_id: view.id });
  }

  function renderModal(force) {
    const root = $("modal-root");
    const view = topView();
    const key = view
      ? JSON.stringify([view.id, viewHash(view), ui.errors[view.id] || null, ui.user])
      : "";
    if (!force && key === ui.modalKey) return;
    ui.modalKey = key;
    const restore = focusedKey(root);
    root.replaceChildren();
    document.body.classList.toggle("modal-open", !!view);
    if (!view) return;
    const ctx = { channel: null, message_ts: null, view_id: view.id, form: true };
    const titleId = `modal-title-${view.id}`;
    const close = labelOf(view.close) || "Cancel";
    const submit = view.submit ? labelOf(view.submit) : null;
    const footer = h("footer", { class: "modal-footer" });
    const cancel = { type: "button", class: "btn", "data-testid": "modal-cancel" };
    footer.append(h("button", { ...cancel, onclick: () => closeView(view) }, close));
    if (submit) {
      const ok = { type: "submit", class: "btn btn-primary", "data-testid": "modal-submit" };
      footer.append(h("button", ok, submit));
    }
    const form = h(
      "form",
      {
        class: "modal",
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": titleId,
        "data-testid": "modal",
        "data-view-id": view.id,
        "data-callback-id": view.callback_id || null,
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          const button = form.querySelector('[data-testid="modal-submit"]');
          if (button && !button.disabled) submitView(view, button);
        },
        onkeydown: (event) => {
          if (event.key === "Escape") closeView(view);
        },
      },
      h(
        "header",
        { class: "modal-header" },
        h("h2", { id: titleId, "data-testid": "modal-title" }, labelOf(view.title)),
        h(
          "button",
          {
            type: "button",
            class: "icon-button",
            "aria-label": `${close} (close)`,
            onclick: () => closeView(view),
          },
          "×",
        ),
      ),
      h("div", { class: "modal-body" }, renderBlocks(view.blocks, "", ctx)),
      footer,
    );
    root.append(h("div", { class: "modal-backdrop", "data-testid": "modal-backdrop" }, form));
    const errored = form.querySelector('[aria-invalid="true"]');
    const again = restore && form.querySelector(`[data-focus-key="${CSS.escape(restore)}"]`);
    const first = form.querySelector("input, textarea, select");
    const target = errored || again || first;
    if (target) target.focus({ preventScroll: true });
  }

  // ---------------------------------------------------------------- rendering

  function focusedKey(within) {
    const active = document.activeElement;
    return active && within.contains(active) ? active.getAttribute("data-focus-key") : null;
  }

  function refocus(within, key) {
    if (!key) return;
    const again = within.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus({ preventScroll: true });
  }

  function keepScroll(container, draw, toBottom) {
    const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 60;
    const top = container.scrollTop;
    const key = focusedKey(container);
    draw();
    container.scrollTop = toBottom || nearBottom ? container.scrollHeight : top;
    refocus(container, key);
  }

  function renderPeople() {
    const picker = $("person-picker");
    const people = ui.state.people || [];
    const key = JSON.stringify(people);
    if (key !== ui.peopleKey) {
      ui.peopleKey = key;
      picker.replaceChildren(
        ...people.map((p) => h("option", { value: p.id }, p.role ? `${p.name} – ${p.role}` : p.name)),
      );
    }
    picker.value = ui.user;
  }

  function sidebarItem(testid, label, place, count, prefix) {
    const key = placeKey(place);
    const active = key === placeKey(ui.place);
    if (active) ui.seen[key] = count;
    const unread = Math.max(0, count - (ui.seen[key] ?? count));
    if (ui.seen[key] === undefined) ui.seen[key] = count;
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: `sidebar-item${active ? " active" : ""}${unread ? " unread" : ""}`,
          "data-testid": testid,
          "data-unread": unread ? "true" : "false",
          "aria-current": active ? "page" : null,
          onclick: () => go(place),
        },
        prefix ? h("span", { class: "prefix", "aria-hidden": "true" }, prefix) : null,
        h("span", { class: "sidebar-label" }, label),
        unread ? h("span", { class: "badge", "aria-label": `${unread} new` }, String(unread)) : null,
      ),
    );
  }

  function renderSidebar() {
    const channels = ui.state.channels || [];
    $("channel-list").replaceChildren(
      ...channels.map((c) =>
        sidebarItem(`channel-${c.id}`, c.name, { kind: "channel", id: c.id }, messageCount(c.messages), "#"),
      ),
    );
    const direct = dm();
    $("dm-list").replaceChildren(
      sidebarItem("dm-chorus", "Chorus", { kind: "dm" }, messageCount(direct?.messages), "●"),
    );
    $("app-list").replaceChildren(sidebarItem("app-home", "App Home", { kind: "home" }, 0, "⌂"));
  }

  // Put `entries` ({key, sig, make}) in `container`, keeping the nodes whose signature did
  // not change: a click, a focus or an open menu on an unchanged message survives a poll.
  const signatures = new WeakMap();
  function reconcile(container, entries) {
    const existing = new Map();
    for (const child of container.children) existing.set(child.dataset.key, child);
    const wanted = entries.map(({ key, sig, make }) => {
      const old = existing.get(key);
      if (old && signatures.get(old) === sig) return old;
      const node = make();
      node.dataset.key = key;
      signatures.set(node, sig);
      return node;
    });
    const keep = new Set(wanted);
    for (const child of [...container.children]) if (!keep.has(child)) child.remove();
    wanted.forEach((node, index) => {
      if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
    });
  }

  function messageEntry(message, channel, where) {
    const open = where === "main" && ui.thread && ui.thread.ts === message.ts;
    return {
      key: `${where}:${channel}:${message.ts}`,
      sig: JSON.stringify([message, open, ui.peopleKey]),
      make: () => renderMessage(message, channel, where),
    };
  }

  function noteEntry(key, text, make) {
    return { key, sig: text, make: make || (() => h("p", { class: "empty" }, text)) };
  }

  function mainEntries(conversation) {
    const title = $("conversation-title");
    const topic = $("conversation-topic");
    if (ui.place.kind === "home") {
      const me = person(ui.user);
      title.textContent = "Chorus · Home";
      topic.textContent = `What Chorus shows ${me ? me.name : "you"} in its App Home tab.`;
      const home = ui.state.home;
      if (!home) return [noteEntry("home-empty", "Chorus has not published a Home tab for this person yet.")];
      const ctx = { channel: null, message_ts: null, view_id: home.id };
      return [
        noteEntry(`home:${home.id}`, JSON.stringify([home, ui.peopleKey]), () =>
          h("div", { class: "home-view", "data-testid": "home-view" }, renderBlocks(home.blocks, "", ctx)),
        ),
      ];
    }
    if (!conversation) {
      title.textContent = "Chorus sandbox";
      topic.textContent = "Waiting for the sandbox…";
      return [];
    }
    const isDm = ui.place.kind === "dm";
    title.textContent = isDm ? "Chorus" : `#${conversation.name}`;
    topic.textContent = isDm
      ? `Direct messages between Chorus and ${personName(ui.user)}.`
      : "Mentions routed here appear as cards; drafts are reviewed in each card's thread.";
    const messages = conversation.messages || [];
    const empty = isDm ? "No direct messages yet." : "No messages yet. Click “New mention” to send one.";
    return [
      ...(messages.length ? [] : [noteEntry("empty", empty)]),
      ...messages.map((message) => messageEntry(message, conversation.id, "main")),
      ...ephemeralEntries(conversation),
    ];
  }

  function renderMain(placeChanged) {
    const list = $("messages");
    const conversation = currentConversation();
    $("composer").hidden = ui.place.kind === "home";
    $("command-chips").hidden = ui.place.kind === "home";
    if (placeChanged) list.replaceChildren();
    keepScroll(list, () => reconcile(list, mainEntries(conversation)), placeChanged);
  }

  function findThread() {
    if (!ui.thread) return null;
    const conversation =
      channelById(ui.thread.channel) || (dm() && dm().id === ui.thread.channel ? dm() : null);
    const parent = conversation?.messages?.find((m) => m.ts === ui.thread.ts);
    return parent ? { conversation, parent } : null;
  }

  function closeThread() {
    ui.thread = null;
    renderAll();
  }

  function renderThread() {
    const pane = $("thread-pane");
    const found = findThread();
    if (!found) {
      pane.hidden = true;
      pane.replaceChildren();
      document.body.classList.remove("thread-open");
      return;
    }
    const { conversation, parent } = found;
    const replies = parent.replies || [];
    let scroller = pane.querySelector(".thread-messages");
    const fresh = pane.hidden || !scroller || scroller.dataset.ts !== parent.ts;
    pane.hidden = false;
    document.body.classList.add("thread-open");
    if (fresh) {
      scroller = h("div", { class: "thread-messages", "data-ts": parent.ts });
      const where = conversation.name && conversation.id.startsWith("C") ? `#${conversation.name}` : "Chorus";
      pane.replaceChildren(
        h(
          "header",
          { class: "thread-header" },
          h("div", {}, h("h2", {}, "Thread"), h("span", { class: "thread-where" }, where)),
          h(
            "button",
            {
              type: "button",
              class: "icon-button",
              "aria-label": "Close thread",
              "data-testid": "thread-close",
              onclick: closeThread,
            },
            "×",
          ),
        ),
        scroller,
      );
    }
    const count = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
    const entries = [
      messageEntry(parent, conversation.id, "parent"),
      noteEntry("count", count, () => h("div", { class: "thread-count" }, count)),
      ...replies.map((reply) => messageEntry(reply, conversation.id, "thread")),
    ];
    keepScroll(scroller, () => reconcile(scroller, entries), fresh);
  }

  function ephemeralKey(entry, index) {
    return `${entry.at ?? index}|${entry.text ?? ""}`;
  }

  function renderEphemeral(entry, entryKey, channel) {
    return h(
      "div",
      { class: "ephemeral", "data-testid": "ephemeral" },
      h(
        "div",
        { class: "ephemeral-head" },
        h("span", { class: "ephemeral-label" }, "Only visible to you"),
        h(
          "button",
          {
            type: "button",
            class: "link-button",
            "aria-label": "Hide this note",
            onclick: () => {
              if (entryKey === "pending") ui.pending = null;
              else ui.dismissed.add(entryKey);
              renderMain(false);
            },
          },
          "Hide",
        ),
      ),
      renderBlocks(entry.blocks, entry.text, { channel, message_ts: entry.ts ?? null, view_id: null }),
    );
  }

  // What only the acting person sees in this conversation: the last few, newest last.
  function ephemeralEntries(conversation) {
    const here = conversation ? conversation.id : null;
    const all = (ui.state.ephemerals || []).map((entry, index) => ({
      entry,
      key: ephemeralKey(entry, index),
    }));
    if (ui.pending && all.some(({ entry }) => entry.text === ui.pending.text)) ui.pending = null;
    const mine = all.filter(
      ({ entry, key }) => !ui.dismissed.has(key) && (!entry.channel || entry.channel === here),
    );
    const shown = here ? mine.slice(-EPHEMERALS_SHOWN) : [];
    if (ui.pending && ui.pending.channel === here) shown.push({ entry: ui.pending, key: "pending" });
    return shown.map(({ entry, key }) => ({
      key: `ephemeral:${here}:${key}`,
      sig: JSON.stringify([entry, ui.peopleKey]),
      make: () => renderEphemeral(entry, key, entry.channel || here),
    }));
  }

  function renderAll(placeChanged) {
    if (!ui.state) return;
    renderPeople();
    renderSidebar();
    renderMain(placeChanged);
    renderThread();
    renderModal(false);
  }

  function go(place) {
    ui.place = place;
    if (place.kind !== "channel" || (ui.thread && ui.thread.channel !== place.id)) ui.thread = null;
    saveLocation();
    renderAll(true);
  }

  // ---------------------------------------------------------------- location and polling

  function saveLocation() {
    const params = new URLSearchParams();
    if (ui.user) params.set("user", ui.user);
    if (ui.place.kind === "channel" && ui.place.id) params.set("channel", ui.place.id);
    else params.set("view", ui.place.kind);
    history.replaceState(null, "", `#${params}`);
  }

  function loadLocation() {
    const params = new URLSearchParams(location.hash.slice(1));
    ui.user = params.get("user") || DEFAULT_USER;
    const view = params.get("view");
    if (view === "dm" || view === "home") ui.place = { kind: view };
    else ui.place = { kind: "channel", id: params.get("channel") };
  }

  function settle(state) {
    const people = state.people || [];
    if (people.length && !people.some((p) => p.id === ui.user)) {
      ui.user = people[0].id;
      return false;
    }
    if (ui.place.kind === "channel") {
      const channels = state.channels || [];
      if (!channels.some((c) => c.id === ui.place.id) && channels.length) {
        ui.place = { kind: "channel", id: channels[0].id };
      }
    }
    return true;
  }

  function setOnline(online, error) {
    const el = $("connection");
    el.dataset.online = online ? "true" : "false";
    el.textContent = online ? "live" : "offline";
    el.title = online ? "Connected to the sandbox" : `Cannot reach the sandbox: ${error?.message || ""}`;
  }

  async function poll() {
    if (ui.inflight) {
      ui.again = true;
      return;
    }
    ui.inflight = true;
    const user = ui.user;
    try {
      const state = await api(`api/state?user=${encodeURIComponent(user)}`);
      setOnline(true);
      if (user === ui.user) {
        const first = !ui.state;
        if (!settle(state)) {
          ui.again = true;
        } else {
          const key = `${user}|${state.version}`;
          if (key !== ui.stateKey) {
            ui.stateKey = key;
            ui.state = state;
            if (first) saveLocation();
            renderAll(first);
          }
        }
      }
    } catch (error) {
      setOnline(false, error);
      if (error.status === 400 && user === ui.user && ui.user !== DEFAULT_USER) {
        ui.user = DEFAULT_USER; // a link naming someone the sandbox does not know
        ui.again = true;
      }
    } finally {
      ui.inflight = false;
      if (ui.again) {
        ui.again = false;
        poll();
      }
    }
  }

  // ---------------------------------------------------------------- controls

  function showPending(response) {
    if (!response || (!response.text && !(response.blocks || []).length)) return;
    const conversation = currentConversation();
    ui.pending = {
      text: response.text || "",
      blocks: response.blocks || [],
      channel: conversation ? conversation.id : null,
    };
    if (ui.state) renderMain(false);
  }

  async function runCommand(event) {
    event.preventDefault();
    const input = $("command-input");
    const typed = input.value.trim();
    if (!typed) return;
    if (!typed.startsWith("/")) {
      const hint = "The sandbox only sends slash commands, such as `/chorus help`.";
      showPending({ text: `${hint} Plain messages stay on this page.` });
      return;
    }
    const space = typed.search(/\s/);
    const command = space < 0 ? typed : typed.slice(0, space);
    const text = space < 0 ? "" : typed.slice(space + 1).trim();
    const conversation = currentConversation();
    input.value = "";
    const answer = await post("api/command", {
      user: ui.user,
      channel: conversation ? conversation.id : null,
      command,
      text,
    });
    if (answer && answer.ok === false) toast(answer.error || `Chorus did not answer ${command}.`, true);
    if (answer && answer.response) showPending(answer.response);
  }

  function wire() {
    $("person-picker").addEventListener("change", (event) => {
      ui.user = event.currentTarget.value;
      ui.stateKey = null;
      ui.pending = null;
      ui.seen.dm = undefined;
      saveLocation();
      poll();
    });
    $("new-mention").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      const answer = await post("api/mention", {});
      button.disabled = false;
      if (answer) toast("A new mention is on its way through the webhook.");
    });
    $("trigger-spike").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      const answer = await post("api/spike", {});
      button.disabled = false;
      if (answer) {
        const count = answer.sent ?? answer.accepted ?? answer.count;
        toast(count ? `Spike: ${count} mentions sent at once.` : "Spike sent: a burst of mentions at once.");
      }
    });
    $("composer").addEventListener("submit", runCommand);
    $("command-chips").replaceChildren(
      ...COMMAND_EXAMPLES.map((example) =>
        h("button", {
          type: "button",
          class: "chip",
          onclick: () => {
            const input = $("command-input");
            input.value = `${example} `;
            input.focus();
          },
        }, example),
      ),
    );
    document.addEventListener("click", (event) => {
      for (const open of document.querySelectorAll("details.overflow[open]")) {
        if (!open.contains(event.target)) open.open = false;
      }
    });
  }

  loadLocation();
  wire();
  poll();
  setInterval(poll, POLL_MS);
})();
