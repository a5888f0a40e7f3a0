// The website chat. Plain script, no build step and nothing from other sites.
// Every message is put on the page with textContent: never as HTML.
(function () {
  "use strict";

  var WEBHOOK = "/chat/webhook";
  var HEALTH = "/chat/health";
  var REPLY_TIMEOUT_MS = 30000; // Rasa gives up on a slow action after 10 s, then replies itself
  var RETRY_DELAYS_MS = [2000, 4000, 8000, 15000, 30000];
  var KEEP_MESSAGES = 200;
  // Web addresses in bot messages, as webchat/page.py links them in the help panel.
  var LINK = /\b(?:https?:\/\/)?(?:[a-z0-9-]+\.)+(?:org|com|net|gov|uk|ie)\b(?:\/[^\s<>"']*)?/gi;
  var LABELS = { warning: "Safety note", referral: "Next step", crisis: "Help now" };

  var chat = document.getElementById("chat");
  var log = document.getElementById("log");
  var form = document.getElementById("send-form");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var restartButton = document.getElementById("restart");
  var typing = document.getElementById("typing");
  var problem = document.getElementById("problem");
  var fieldError = document.getElementById("message-error");
  var maxChars = parseInt(chat.getAttribute("data-max-chars"), 10) || 20000;
  var emergency = chat.getAttribute("data-emergency") || "";

  var pending = false;
  var retryTimer = null;

  // Session storage: a reload keeps the conversation, closing the tab forgets it,
  // which suits a health conversation on a shared computer.
  var store = {
    get: function (key) {
      try { return window.sessionStorage.getItem("ptsd-chat:" + key); } catch (e) { return null; }
    },
    set: function (key, value) {
      try { window.sessionStorage.setItem("ptsd-chat:" + key, value); } catch (e) { /* private mode */ }
    },
    clear: function () {
      try {
        window.sessionStorage.removeItem("ptsd-chat:sender");
        window.sessionStorage.removeItem("ptsd-chat:history");
      } catch (e) { /* nothing stored */ }
    }
  };

  function newSenderId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function senderId() {
    var id = store.get("sender");
    if (!id) { id = newSenderId(); store.set("sender", id); }
    return id;
  }

  function history() {
    try {
      var saved = JSON.parse(store.get("history") || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (e) { return []; }
  }

  function remember(message) {
    var saved = history();
    saved.push(message);
    store.set("history", JSON.stringify(saved.slice(-KEEP_MESSAGES)));
  }

  function forgetLast() {
    var saved = history();
    saved.pop();
    store.set("history", JSON.stringify(saved));
  }

  function safeHref(text) {
    var href = /^https?:\/\//i.test(text) ? text : "https://" + text;
    try {
      var url = new URL(href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) { return null; }
  }

  // Text with its web addresses as links, built from text nodes only.
  function appendText(parent, text) {
    var last = 0;
    String(text).replace(LINK, function (match, offset) {
      var href = safeHref(match);
      if (!href) { return match; }
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = match;
      parent.appendChild(link);
      last = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(String(text).slice(last)));
  }

  // A bot message that starts with its own label ("Safety note: ..." from
  // content.safety_note) shows the label once, in the label element.
  function withoutLabel(text, label) {
    return text.slice(0, label.length + 1) === label + ":" ? text.slice(label.length + 1).replace(/^\s+/, "") : text;
  }

  function showMessage(message) {
    var item = document.createElement("div");
    var part = message.from === "bot" && LABELS[message.part] ? message.part : "";
    item.className = "msg msg-" + message.from + (part ? " part-" + part : "");
    var who = document.createElement("span");
    who.className = part ? "label" : "visually-hidden";
    who.textContent = part ? LABELS[part] + ": " : (message.from === "user" ? "You: " : "Assistant: ");
    item.appendChild(who);
    var text = document.createElement("p");
    text.className = "text";
    if (message.from === "bot") {
      appendText(text, part ? withoutLabel(String(message.text || ""), LABELS[part]) : message.text || "");
    } else {
      text.textContent = message.text || "";
    }
    item.appendChild(text);
    if (Array.isArray(message.buttons) && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "buttons";
      message.buttons.forEach(function (button) {
        var choice = document.createElement("button");
        choice.type = "button";
        choice.className = "choice";
        choice.textContent = String(button.title || button.payload || "");
        choice.addEventListener("click", function () {
          send(String(button.payload || button.title || ""), choice.textContent);
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function add(message) {
    remember(message);
    return showMessage(message);
  }

  function setPending(on) {
    pending = on;
    typing.hidden = !on;
    sendButton.disabled = on;
  }

  function showProblem(kind) {
    var what = {
      unreachable: "Sorry, I can't reach the assistant right now.",
      timeout: "Sorry, the assistant didn't answer in time.",
      empty: "Sorry, the assistant didn't send an answer.",
      throttled: "You're sending messages faster than I can answer. Please wait a minute."
    }[kind];
    problem.textContent = "";
    var first = document.createElement("p");
    first.textContent = what + " Your message is back in the box, so you can send it again. " +
      "I'll keep trying to reconnect.";
    var second = document.createElement("p");
    second.appendChild(document.createTextNode("If you need help now: " + emergency + ". "));
    var link = document.createElement("a");
    link.href = "#help";
    link.textContent = "See all the help lines";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var help = document.getElementById("help");
      help.scrollIntoView({ block: "start" });
      help.focus();
    });
    second.appendChild(link);
    second.appendChild(document.createTextNode("."));
    problem.appendChild(first);
    problem.appendChild(second);
    problem.className = "problem";
    problem.hidden = false;
  }

  function showRecovered() {
    problem.textContent = "You're connected again. You can send your message now.";
    problem.className = "problem recovered";
    problem.hidden = false;
  }

  // Checks in the background until the assistant answers again, waiting longer each time.
  function retryInBackground(attempt) {
    window.clearTimeout(retryTimer);
    var delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
    retryTimer = window.setTimeout(function () {
      fetch(HEALTH, { cache: "no-store" }).then(function (response) {
        if (response.ok) { showRecovered(); } else { retryInBackground(attempt + 1); }
      }).catch(function () { retryInBackground(attempt + 1); });
    }, delay);
  }

  function post(text, timeoutMs, sender) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, timeoutMs);
    return fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender || senderId(), message: text }),
      signal: controller.signal,
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 429) { throw new Error("throttled"); }
      if (!response.ok) { throw new Error("unreachable"); }
      return response.json().catch(function () { throw new Error("unreachable"); });
    }).then(function (replies) {
      if (!Array.isArray(replies) || !replies.some(function (r) { return r && r.text; })) {
        throw new Error("empty");
      }
      return replies;
    }, function (error) {
      throw new Error(error.name === "AbortError" ? "timeout" :
        (error.message === "empty" || error.message === "throttled") ? error.message : "unreachable");
    }).finally(function () { window.clearTimeout(timer); });
  }

  function tooLong(text) {
    var length = Array.from(text).length; // the server counts characters, not UTF-16 units
    if (length <= maxChars) { return false; }
    fieldError.textContent = "This message is too long: it has " + length.toLocaleString("en") +
      " characters, and the limit is " + maxChars.toLocaleString("en") +
      ". Please shorten it, or send it in parts.";
    fieldError.setAttribute("role", "alert");
    fieldError.hidden = false;
    input.setAttribute("aria-invalid", "true");
    return true;
  }

  function clearFieldError() {
    fieldError.hidden = true;
    fieldError.textContent = "";
    input.removeAttribute("aria-invalid");
  }

  function send(text, shown) {
    text = text.trim();
    if (pending || !text) { return; }
    if (tooLong(text)) { input.focus(); return; }
    clearFieldError();
    problem.hidden = true;
    var sent = add({ from: "user", text: shown || text });
    var sender = senderId();
    input.value = "";
    setPending(true);
    post(text, REPLY_TIMEOUT_MS, sender).then(function (replies) {
      window.clearTimeout(retryTimer);
      if (sender !== store.get("sender")) { return; } // "Start over" was pressed meanwhile
      replies.forEach(function (reply) {
        if (reply && reply.text) {
          add({ from: "bot", text: reply.text, buttons: reply.buttons, part: reply.part });
        }
      });
    }).catch(function (error) {
      if (sender !== store.get("sender")) { return; }
      log.removeChild(sent);
      forgetLast();
      if (!input.value) { input.value = text; }
      showProblem(error.message);
      retryInBackground(0);
    }).finally(function () { setPending(false); });
  }

  function startOver() {
    var oldSender = store.get("sender");
    store.clear();
    log.textContent = "";
    clearFieldError();
    problem.hidden = true;
    input.value = "";
    input.focus();
    if (!oldSender) { return; }
    // Ends the old conversation in the transcript; the guard lets "/restart" through.
    post("/restart", 10000, oldSender).then(function (replies) {
      replies.forEach(function (reply) {
        if (reply && reply.text) { add({ from: "bot", text: reply.text }); }
      });
    }).catch(function () { /* the new conversation starts anyway */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(input.value);
    }
  });
  input.addEventListener("input", function () {
    if (!fieldError.hidden && Array.from(input.value.trim()).length <= maxChars) { clearFieldError(); }
  });
  restartButton.addEventListener("click", startOver);

  history().forEach(showMessage);
  form.hidden = false;
  restartButton.hidden = false;
}());
