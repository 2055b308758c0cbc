// Images in the body editor, the way editors expect: upload one (a toolbar button, or a file
// dropped or pasted onto the text) or pick one from the library of earlier uploads, and it goes
// in as a figure with its alternative text, caption and credit.
//
// A Tiptap extension that django-prose-editor's "configurable" preset loads (registered in
// settings.DJANGO_PROSE_EDITOR_EXTENSIONS, configured in articles/html.py). It talks to two admin
// views (articles.admin.LibraryImageAdmin): they check an upload as admin's own form does and
// answer in JSON, errors included, which are shown here in words.
import { crel, Extension, gettext, Plugin } from "django-prose-editor/editor";

// Room for the form's other fields within the server's limit on a request's size.
const FORM_OVERHEAD = 64 * 1024;

function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}

function imageFiles(transfer) {
  return Array.from(transfer?.files || []).filter((file) => file.type.startsWith("image/"));
}

function csrfToken() {
  // Every admin form carries it; the cookie may be out of reach of scripts.
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) { return input.value; }
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? cookie.slice("csrftoken=".length) : "";
}

// The admin view's answer, or an Error whose message an editor can act on.
async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      ...options,
    });
  } catch (error) {
    if (error.name === "AbortError") { throw error; }
    throw new Error(gettext("The server could not be reached. Check the connection and try again."));
  }
  if ((response.headers.get("Content-Type") || "").includes("application/json")) {
    const data = await response.json();
    if (!response.ok) { throw new Error(data.error || gettext("The server refused the request.")); }
    return data;
  }
  if (response.status === 413) { throw new Error(gettext("The file is too large to upload.")); }
  if (response.redirected) {
    // Admin sends a signed-out request to its login page.
    throw new Error(gettext("You are signed out. Sign in again in another tab, then try again."));
  }
  throw new Error(
    gettext("Something went wrong on the server (%s). Please try again.").replace("%s", response.status),
  );
}

// Makes the ids that tie labels to fields and dialogs to their titles.
let fieldCount = 0;

// A modal dialog inside the editor's frame (for its colours), like the editor's own dialogs.
function openDialog(editor, title, children) {
  const heading = crel("h3", { className: "prose-editor-dialog-title", textContent: title });
  heading.id = `editor-images-title-${++fieldCount}`;
  const form = crel("form", { className: "editor-images" }, [heading, ...children]);
  const dialog = crel("dialog", {
    className: "prose-editor-dialog editor-images-dialog",
    "aria-labelledby": heading.id,
  }, [form]);
  editor.view.dom.parentElement.append(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  // Enter in a field must not submit anything: the buttons say what happens.
  form.addEventListener("submit", (event) => event.preventDefault());
  dialog.showModal();
  return { dialog, form };
}

function field(label, input, help = "") {
  input.id = `editor-images-field-${++fieldCount}`;
  const labelElement = crel("label", { htmlFor: input.id, textContent: label });
  if (help) {
    labelElement.append(crel("span", { className: "prose-editor-help", textContent: help }));
  }
  return crel("div", { className: "prose-editor-dialog-field" }, [labelElement, input]);
}

function button(text, type = "button") {
  return crel("button", { type, textContent: text });
}

function insertFigure(editor, image, position = null) {
  const picture = { type: "image", attrs: { src: image.src, alt: image.alt, file: String(image.id) } };
  let content = picture;
  if (editor.schema.nodes.figure) {
    content = { type: "figure", content: [picture] };
    const caption = [image.caption, image.credit].filter(Boolean).join(" — ");
    if (caption && editor.schema.nodes.caption) {
      content.content.push({ type: "caption", content: [{ type: "text", text: caption }] });
    }
  }
  const chain = editor.chain().focus();
  if (position === null) {
    chain.insertContent(content).run();
  } else {
    chain.insertContentAt(position, content).run();
  }
}

// Asks for the image's text, uploads it with the file and inserts it. Without a file (the
// toolbar button), the dialog asks for one too. A refused upload keeps the dialog open with
// the reason, so the editor can choose another file or fix the text. Settles when it closes.
function uploadDialog(editor, options, file = null, position = null) {
  const chooser = crel("input", { type: "file", accept: "image/*", required: true });
  const alt = crel("input", { type: "text", required: true, maxLength: 250 });
  const caption = crel("input", { type: "text", maxLength: 300 });
  const credit = crel("input", { type: "text", maxLength: 150 });
  const status = crel("p", { className: "editor-images-status", role: "alert" });
  const submit = button(gettext("Upload and insert"), "submit");
  const cancel = button(gettext("Cancel"));
  const { dialog, form } = openDialog(editor, gettext("Upload an image"), [
    file
      ? crel("p", { textContent: `${file.name} (${megabytes(file.size)})` })
      : field(gettext("Image file"), chooser),
    field(
      gettext("Alternative text"),
      alt,
      gettext("What the image shows, for readers who cannot see it."),
    ),
    field(gettext("Caption"), caption),
    field(gettext("Credit"), credit),
    status,
    crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
  ]);
  cancel.addEventListener("click", () => dialog.close());
  (file ? alt : chooser).focus();
  const closed = new Promise((resolve) => dialog.addEventListener("close", resolve));

  submit.addEventListener("click", async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) { return; }
    const upload = file || chooser.files[0];
    const most = options.maxBytes - FORM_OVERHEAD;
    if (options.maxBytes && upload.size > most) {
      status.textContent = gettext("This file is %s; the most that can be uploaded is %s.")
        .replace("%s", megabytes(upload.size))
        .replace("%s", megabytes(most));
      return;
    }
    const data = new FormData();
    data.append("file", upload, upload.name);
    data.append("alt", alt.value.trim());
    data.append("caption", caption.value.trim());
    data.append("credit", credit.value.trim());
    submit.disabled = true;
    status.textContent = gettext("Uploading…");
    try {
      const image = await request(options.uploadUrl, { method: "POST", body: data });
      dialog.close();
      insertFigure(editor, image, position);
    } catch (error) {
      status.textContent = error.message;
      submit.disabled = false;
    }
  });
  return closed;
}

// Several files dropped or pasted at once: one dialog after another, each image after the last.
async function uploadEach(editor, options, files, position = null) {
  for (const [index, file] of files.entries()) {
    await uploadDialog(editor, options, file, index === 0 ? position : null);
  }
}

// Earlier uploads, newest first, searchable as admin's image list is; a click inserts one.
function libraryDialog(editor, options) {
  const search = crel("input", {
    type: "search",
    placeholder: gettext("Description, caption, credit or file name"),
  });
  const list = crel("ul", { className: "editor-images-library" });
  const status = crel("p", { className: "editor-images-status", role: "status" });
  const upload = button(gettext("Upload a new image"));
  const cancel = button(gettext("Cancel"));
  const { dialog } = openDialog(editor, gettext("Image library"), [
    field(gettext("Search"), search),
    status,
    list,
    crel("div", { className: "prose-editor-dialog-buttons" }, [upload, cancel]),
  ]);
  cancel.addEventListener("click", () => dialog.close());
  upload.addEventListener("click", () => {
    dialog.close();
    uploadDialog(editor, options);
  });

  function choice(image) {
    const choose = crel("button", { type: "button", title: image.name }, [
      crel("img", { src: image.thumbnail, alt: "", loading: "lazy" }),
      crel("span", { textContent: image.alt }),
    ]);
    choose.addEventListener("click", () => {
      dialog.close();
      insertFigure(editor, image);
    });
    return crel("li", {}, [choose]);
  }

  let pending = null;
  async function show() {
    pending?.abort();
    const controller = new AbortController();
    pending = controller;
    const url = new URL(options.libraryUrl, window.location.href);
    url.searchParams.set("q", search.value.trim());
    status.textContent = gettext("Loading…");
    let found;
    try {
      found = await request(url, { signal: controller.signal });
    } catch (error) {
      if (!controller.signal.aborted) { status.textContent = error.message; }
      return;
    }
    list.replaceChildren(...found.images.map(choice));
    if (!found.images.length) {
      status.textContent = search.value.trim()
        ? gettext("No image matches.")
        : gettext("The library is empty: upload an image.");
    } else if (found.more) {
      status.textContent = gettext("The newest matches are shown; search to narrow them down.");
    } else {
      status.textContent = "";
    }
  }

  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(show, 250);
  });
  search.focus();
  show();
}

export const LibraryImages = Extension.create({
  name: "libraryImages",

  addOptions() {
    return { uploadUrl: "", libraryUrl: "", maxBytes: 0 };
  },

  addMenuItems({ buttons, menu }) {
    const options = this.options;
    menu.defineItem({
      name: "uploadImage",
      groups: "nodes",
      command: (editor) => uploadDialog(editor, options),
      button: buttons.material("add_photo_alternate", gettext("Upload an image")),
      enabled: (editor) => editor.isEditable,
    });
    menu.defineItem({
      name: "imageLibrary",
      groups: "nodes",
      command: (editor) => libraryDialog(editor, options),
      button: buttons.material("photo_library", gettext("Image library")),
      enabled: (editor) => editor.isEditable,
    });
  },

  addProseMirrorPlugins() {
    const { editor, options } = this;
    return [
      new Plugin({
        props: {
          handleDrop(view, event) {
            const files = imageFiles(event.dataTransfer);
            if (!files.length || !editor.isEditable) { return false; }
            event.preventDefault();
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
            uploadEach(editor, options, files, at ? at.pos : null);
            return true;
          },
          handlePaste(_view, event) {
            const files = imageFiles(event.clipboardData);
            if (!files.length || !editor.isEditable) { return false; }
            uploadEach(editor, options, files);
            return true;
          },
        },
      }),
    ];
  },
});
