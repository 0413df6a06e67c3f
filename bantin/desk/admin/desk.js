/* The editing desk's own parts on top of Decap CMS (loaded just before this file):
   the site's slug rule, the frozen address, the share-photo choice, photos with alt text and
   caption as the figures extension reads them, and a preview rendered by the site itself with
   the lint's findings above it. No request leaves this origin. */
(function () {
  "use strict";

  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var API = "/admin/api/";

  /* bantin.vietnamese.slugify in the browser: Pelican's slugify (tags stripped, NFKC,
     transliterated to ASCII) with the project's rule: runs of anything but a-z0-9 become "-",
     no "-" at either end, lower case. Vietnamese letters lose their marks and đ becomes d, as
     unidecode does; the few Latin letters unidecode spells out are spelled out too, and other
     characters unidecode has no ASCII for are dropped. */
  var SPELLED = {
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ı": "i",
    "–": "-", "—": "--", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "€": "EUR"
  };
  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

  function slugify(text) {
    var value = String(text || "").replace(/<[^>]*>/g, "").replace(/&(amp|lt|gt|quot|#39);/g,
      function (entity) { return ENTITIES[entity]; });
    value = value.normalize("NFKC");
    var ascii = "";
    Array.from(value).forEach(function (character) {
      if (character.charCodeAt(0) < 128) { ascii += character; return; }
      if (SPELLED[character] !== undefined) { ascii += SPELLED[character]; return; }
      var bare = character.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      if (/^[\x00-\x7f]+$/.test(bare)) { ascii += bare; return; }
      if (/\s/.test(character)) { ascii += " "; }
    });
    return ascii.replace(/[^a-z0-9]+/gi, "-").replace(/^-+|-+$/g, "").toLowerCase().trim();
  }
  window.bantinSlugify = slugify;

  /* The article's address: made from the Vietnamese title while the article is new, then
     frozen, because published links and the folder name depend on it. Decap renders a widget
     again only when its own value changes, so the control reads the title from the editor's
     current entry (getEntry) after every keystroke in the form. */
  var SlugControl = createClass({
    currentEntry: function () {
      return this.props.getEntry ? this.props.getEntry() : this.props.entry;
    },
    isFrozen: function () {
      return !this.currentEntry().get("newRecord");
    },
    isDefaultLocale: function () {
      return !this.props.locale || this.props.locale === "vi";
    },
    componentDidMount: function () {
      var self = this;
      this.typed = function () { setTimeout(self.follow, 0); };
      document.addEventListener("input", this.typed, true);
      this.follow();
    },
    componentWillUnmount: function () {
      document.removeEventListener("input", this.typed, true);
      this.gone = true;
    },
    follow: function () {
      if (this.gone || this.isFrozen() || !this.isDefaultLocale()) { return; }
      var wanted = slugify(this.currentEntry().getIn(["data", "title"]));
      if (wanted !== (this.props.value || "")) { this.props.onChange(wanted); }
    },
    render: function () {
      var value = this.props.value || "";
      return h("div", { className: this.props.classNameWrapper },
        h("output", { id: this.props.forID, htmlFor: "", className: "bantin-slug" },
          value ? "/tin/<năm>/" + value + "/" : "(gõ tiêu đề để tạo địa chỉ)"),
        h("p", { className: "bantin-slug-note" }, this.isFrozen()
          ? "Địa chỉ đã cố định từ lần lưu đầu tiên."
          : "Địa chỉ đi theo tiêu đề cho đến khi bài được lưu lần đầu."));
    }
  });
  var SlugPreview = createClass({
    render: function () { return h("span", null, this.props.value || ""); }
  });
  CMS.registerWidget("bantin-slug", SlugControl, SlugPreview);

  /* The photos of this entry: the files beside the article (already in the repository or just
     uploaded) and those its text shows. */
  var PHOTO = /\.(jpe?g|png|webp|gif|heic|heif|avif|tiff?)$/i;
  var IMAGE_IN_TEXT = /!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>"]+)/g;

  function entryPhotos(entry) {
    var names = [];
    function add(name) {
      var base = String(name || "").split("/").pop();
      if (base && PHOTO.test(base) && names.indexOf(base) < 0) { names.push(base); }
    }
    (entry.get("mediaFiles") || []).forEach(function (file) {
      add(file.get ? file.get("name") || file.get("path") : file.name || file.path);
    });
    var body = entry.getIn(["data", "body"]) || "";
    var match;
    IMAGE_IN_TEXT.lastIndex = 0;
    while ((match = IMAGE_IN_TEXT.exec(body)) !== null) { add(match[1]); }
    return names;
  }

  var SharePhotoControl = createClass({
    shouldComponentUpdate: function (next) {
      return next.value !== this.props.value || next.entry !== this.props.entry;
    },
    render: function () {
      var props = this.props;
      var photos = entryPhotos(props.entry);
      var value = props.value || "";
      if (value && photos.indexOf(value) < 0) { photos.unshift(value); }
      return h("select", {
        id: props.forID,
        className: props.classNameWrapper,
        value: value,
        onChange: function (event) { props.onChange(event.target.value); }
      }, [h("option", { key: "", value: "" }, "(ảnh đầu tiên trong bài)")].concat(
        photos.map(function (name) { return h("option", { key: name, value: name }, name); })));
    }
  });
  CMS.registerWidget("bantin-share-photo", SharePhotoControl, SlugPreview);

  /* A photo in its own paragraph: ![alt](photo.jpg "caption"), which the figures extension
     makes a <figure> with its <figcaption>. */
  function escapeAlt(text) { return String(text || "").replace(/([\\\[\]])/g, "\\$1"); }
  function escapeCaption(text) { return String(text || "").replace(/(["\\])/g, "\\$1"); }
  function unescape(text) { return String(text || "").replace(/\\(.)/g, "$1"); }

  CMS.registerEditorComponent({
    id: "bantin-figure",
    label: "Ảnh có chú thích",
    fields: [
      { name: "src", label: "Ảnh", widget: "image", choose_url: false,
        hint: "Ảnh được lưu cùng thư mục với bài. Chỉ ảnh JPEG, PNG, WebP, HEIC." },
      { name: "alt", label: "Mô tả ảnh", widget: "string", required: false,
        hint: "Người khiếm thị nghe câu này thay cho ảnh: ảnh cho thấy gì." },
      { name: "caption", label: "Chú thích", widget: "string", required: false,
        hint: "Hiện dưới ảnh, ví dụ: Toàn cảnh hội nghị. Ảnh: Nguyễn Văn A." }
    ],
    pattern: /^!\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^\s)>"]+)>?(?:\s+"((?:[^"\\]|\\.)*)")?\s*\)$/,
    fromBlock: function (match) {
      return { alt: unescape(match[1]), src: match[2], caption: unescape(match[3]) };
    },
    toBlock: function (data) {
      var caption = data.caption ? ' "' + escapeCaption(data.caption) + '"' : "";
      return "![" + escapeAlt(data.alt) + "](" + (data.src || "") + caption + ")";
    },
    toPreview: function (data, getAsset) {
      var source = data.src && getAsset ? getAsset(data.src) : data.src;
      return h("figure", null,
        h("img", { src: source ? String(source) : "", alt: data.caption ? data.alt || "" : "" }),
        data.caption || data.alt ? h("figcaption", null, data.caption || data.alt) : null);
    }
  });

  /* The file as the desk writes it (front matter, then the body), for the render and lint
     endpoints, which read it as they read a saved entry. */
  var KEYS = ["title", "date", "category", "tags", "author", "summary", "image", "slug"];

  function entryText(data) {
    var lines = ["---"];
    KEYS.forEach(function (key) {
      var value = data.get(key);
      if (value === undefined || value === null || value === "") { return; }
      if (value && value.toJS) { value = value.toJS(); }
      lines.push(key + ": " + JSON.stringify(value));
    });
    lines.push("---");
    return lines.join("\n") + "\n" + (data.get("body") || "");
  }

  function entryLocale(entry) {
    var english = entry.getIn(["i18n", "en", "data"]);
    return english && english === entry.get("data") ? "en" : "vi";
  }

  function entryPath(entry, data, locale) {
    var slug = data.get("slug") || slugify(data.get("title"));
    var year = String(data.get("date") || new Date().getFullYear()).slice(0, 4);
    return "content/articles/" + year + "/" + slug + "/index." + locale + ".md";
  }

  function post(endpoint, body) {
    return fetch(API + endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  /* Photos in the rendered page point at files beside the article: show the desk's copy
     (uploaded or read from the repository) instead. */
  function localPhotos(html, getAsset) {
    var page = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    /* Article text is untrusted: nothing in it may run inside the desk. */
    page.querySelectorAll("script, style, iframe, object, embed, form, link, meta, base, source")
      .forEach(function (element) { element.remove(); });
    page.querySelectorAll("*").forEach(function (element) {
      Array.from(element.attributes).forEach(function (attribute) {
        if (/^on/i.test(attribute.name) ||
            /^\s*(javascript|vbscript|data):/i.test(attribute.value)) {
          element.removeAttribute(attribute.name);
        }
      });
    });
    page.querySelectorAll("img").forEach(function (image) {
      var name = (image.getAttribute("src") || "").split("/").pop().split("?")[0];
      var original = image.getAttribute("data-bantin-photo") || name;
      image.removeAttribute("srcset");
      image.removeAttribute("sizes");
      if (original && !/^[a-z]+:/i.test(image.getAttribute("src") || "")) {
        image.setAttribute("src", String(getAsset(original)));
      }
    });
    return page.body.firstChild.innerHTML;
  }

  var Preview = createClass({
    getInitialState: function () {
      return { html: "", findings: [], failed: "", pending: true };
    },
    componentDidMount: function () { this.refresh(); },
    componentDidUpdate: function (previous) {
      if (previous.entry !== this.props.entry) {
        clearTimeout(this.timer);
        this.timer = setTimeout(this.refresh, 400);
      }
    },
    componentWillUnmount: function () { clearTimeout(this.timer); this.gone = true; },
    refresh: function () {
      var self = this;
      var entry = this.props.entry;
      var data = entry.get("data");
      var locale = entryLocale(entry);
      var request = { path: entryPath(entry, data, locale), raw: entryText(data) };
      var asked = this.asked = (this.asked || 0) + 1;
      Promise.all([post("render", request), post("lint", request)]).then(function (answers) {
        if (self.gone || asked !== self.asked) { return; }
        self.setState({ html: localPhotos(answers[0].html || "", self.props.getAsset),
                        findings: answers[1].findings || [], failed: "", pending: false });
      }).catch(function () {
        if (self.gone || asked !== self.asked) { return; }
        self.setState({ failed: "Không xem trước được: máy xem trước (invoke livereload) " +
                                "không trả lời.", pending: false });
      });
    },
    render: function () {
      var findings = this.state.findings;
      var report;
      if (this.state.failed) {
        report = h("p", { className: "bantin-desk-findings bantin-desk-findings--failed",
                          role: "alert" }, this.state.failed);
      } else if (findings.length) {
        report = h("section", { className: "bantin-desk-findings", role: "status",
                                "aria-label": "Kiểm tra bài" },
          h("h2", null, "Cần sửa trước khi gửi duyệt (" + findings.length + ")"),
          h("ul", null, findings.map(function (finding, index) {
            var where = finding.line ? "Dòng " + finding.line + ": " : "";
            return h("li", { key: index, className: "bantin-desk-finding--" +
                                                     (finding.severity || "error") },
              where + finding.message + (finding.code ? " [" + finding.code + "]" : ""));
          })));
      } else if (!this.state.pending) {
        report = h("p", { className: "bantin-desk-findings bantin-desk-findings--clean",
                          role: "status" }, "Kiểm tra bài: không có lỗi.");
      }
      return h("div", { className: "bantin-desk-preview" }, report,
        h("main", { className: "bt-main" },
          h("article", { className: "bt-article", lang: entryLocale(this.props.entry),
                         dangerouslySetInnerHTML: { __html: this.state.html } })));
    }
  });

  /* A photo alone in its paragraph as the figures extension makes it: a <figure> whose caption
     is the photo's title, or its description (then the image's own alt is empty, said once).
     Decap writes such a photo as a block of its own, or as a paragraph holding only it; a photo
     inside a sentence, a link or a list stays as it is, as on the site. */
  function asFigures(body, getAsset) {
    body.querySelectorAll("img").forEach(function (image) {
      var holder = image.parentNode;
      if (image.closest("figure")) { return; }
      var alone = holder.tagName === "P"
        ? Array.from(holder.childNodes).every(function (node) {
          return node === image || (node.nodeType === 3 && !node.textContent.trim());
        })
        : /^(DIV|ARTICLE|SECTION)$/.test(holder.tagName);
      if (!alone) { return; }
      var page = body.ownerDocument;
      var title = image.getAttribute("title") || "";
      var description = image.getAttribute("alt") || "";
      var photo = page.createElement("img");
      var name = (image.getAttribute("src") || "").split("/").pop();
      photo.setAttribute("src", /^[a-z]+:/i.test(image.getAttribute("src") || "")
        ? image.getAttribute("src") : String(getAsset(decodeURIComponent(name))));
      photo.setAttribute("alt", title ? description : "");
      var figure = page.createElement("figure");
      figure.appendChild(photo);
      if (title || description) {
        var caption = page.createElement("figcaption");
        caption.textContent = title || description;
        figure.appendChild(caption);
      }
      (holder.tagName === "P" ? holder : image).replaceWith(figure);
    });
  }

  /* Online no server of the project renders or checks (admin/online.js): the preview is
     Decap's own Markdown with the site's styles and figures, and the lint runs as the pull
     request's check. Decap renders the body again whenever it changes; the photos are made
     figures again each time. */
  var OnlinePreview = createClass({
    componentDidMount: function () {
      var self = this;
      var body = this.body;
      var view = body.ownerDocument.defaultView;
      this.watch = new view.MutationObserver(function () {
        asFigures(body, self.props.getAsset);
      });
      this.watch.observe(body, { childList: true, subtree: true });
      asFigures(body, this.props.getAsset);
    },
    componentWillUnmount: function () { this.watch.disconnect(); },
    render: function () {
      var self = this;
      return h("div", { className: "bantin-desk-preview" },
        h("main", { className: "bt-main" },
          h("article", { className: "bt-article", lang: entryLocale(this.props.entry),
                         ref: function (node) { if (node) { self.body = node; } } },
            this.props.widgetFor("body"))));
    }
  });

  CMS.registerPreviewTemplate("articles", document.getElementById("bantin-desk-online")
    ? OnlinePreview : Preview);
  CMS.registerPreviewStyle(document.querySelector('link[rel="stylesheet"]').href);

  /* The site's own stylesheets (hashed names, so read from the home page, one folder up from
     the desk's, wherever the site is published). */
  var home = new URL("../", window.location.href);
  fetch(home, { credentials: "same-origin" }).then(function (response) {
    return response.ok ? response.text() : "";
  }).then(function (html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
      var address = new URL(link.getAttribute("href"), home);
      if (address.origin === window.location.origin) { CMS.registerPreviewStyle(address.pathname); }
    });
  }).catch(function () { /* the preview then shows the text without the site's styles */ });
})();
