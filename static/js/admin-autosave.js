/* Autosave of an article's (or a static page's) title, standfirst and body to the browser. */
// What an editor types is kept in the browser's storage as they type, so that a crash or a closed
// tab loses nothing: the next visit to the same form offers it back ("Restore" / "Discard").
// A draft is dropped once the form is saved: the page after a save shows Django's success message.
// Loaded on the change forms and the lists (where "Save" leads) through the ModelAdmins' Media.
(function () {
  "use strict";
  const PREFIX = "ewview-draft:";
  // The draft a form was submitted with, until the next page says how the save went.
  const SUBMITTED = "ewview-draft-submitted";
  const FIELDS = ["title", "standfirst", "body"];
  // Keystrokes within this many milliseconds are stored together.
  const DELAY = 600;

  function storage(name) {
    try {
      const store = window[name];
      store.getItem(PREFIX);
      return store;
    } catch (error) {
      return null; // storage turned off: nothing to keep drafts in
    }
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");
  if (!local || !session) { return; }

  // The body's editor, once django-prose-editor has made it (this script runs before its modules).
  let editor = null;
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea.id === "id_body") { editor = event.detail.editor; }
  });

  function read(key) {
    try {
      const draft = JSON.parse(local.getItem(key));
      return draft && draft.values ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function forgetSavedDraft() {
    const key = session.getItem(SUBMITTED);
    if (!key) { return; }
    if (document.querySelector(".messagelist .success")) {
      local.removeItem(key);
      session.removeItem(SUBMITTED);
    } else if (document.querySelector(".errornote")) {
      // Not saved: the form is shown again with what was typed, and the draft stays.
      session.removeItem(SUBMITTED);
    }
  }

  // "16:42" in the site's time zone, as admin shows times; with the day if not today.
  function shownTime(timestamp) {
    const offset = Number(document.body.dataset.adminUtcOffset || 0) * 1000;
    const then = new Date(timestamp + offset).toISOString();
    const today = new Date(Date.now() + offset).toISOString().slice(0, 10);
    const time = then.slice(11, 16);
    return then.slice(0, 10) === today ? time : then.slice(0, 10) + " " + time;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function setUp() {
    forgetSavedDraft();
    const form = document.querySelector("#article_form, #page_form");
    if (!form) { return; }
    const fields = FIELDS.map(function (name) { return form.querySelector("#id_" + name); })
      .filter(Boolean);
    const key = PREFIX + window.location.pathname;
    let timer = null;
    let offered = false;

    function values() {
      const current = {};
      fields.forEach(function (field) { current[field.name] = field.value; });
      return current;
    }

    function save() {
      if (offered) { return; } // the older draft waits for the editor's choice
      try {
        local.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values() }));
      } catch (error) {
        // Storage full: the form itself still works.
      }
    }

    function restore(draft) {
      fields.forEach(function (field) {
        if (!(field.name in draft.values)) { return; }
        const value = draft.values[field.name];
        if (field.id === "id_body" && editor) {
          editor.commands.setContent(value); // the editor writes it back to the textarea
        } else {
          field.value = value; // an editor not made yet starts from the textarea
          field.dispatchEvent(new Event("input", { bubbles: true }));
          // Admin fills a new article's slug from its title on "change".
          field.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    }

    function offer(draft) {
      offered = true;
      const banner = element("div", "", "autosave-offer");
      banner.setAttribute("role", "status");
      const restoreButton = element("button", "Restore", "button");
      const discardButton = element("button", "Discard", "button");
      restoreButton.type = discardButton.type = "button";
      banner.append(
        element("p", "An unsaved draft from " + shownTime(draft.savedAt) + " was found."),
        restoreButton,
        discardButton,
      );
      restoreButton.addEventListener("click", function () {
        offered = false;
        banner.remove();
        restore(draft);
        save();
      });
      discardButton.addEventListener("click", function () {
        offered = false;
        banner.remove();
        local.removeItem(key);
      });
      form.before(banner);
    }

    const draft = read(key);
    if (draft) {
      const current = values();
      const same = Object.keys(draft.values).every(function (name) {
        return !(name in current) || current[name] === draft.values[name];
      });
      if (same) { local.removeItem(key); } else { offer(draft); }
    }

    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, DELAY);
      });
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      save();
      session.setItem(SUBMITTED, key);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
