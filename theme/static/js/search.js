/* Bản tin search page: the form, the filters and the results. The searching itself (Pagefind's
   index, tone marks, ranking, excerpts) runs in search-worker.js, off the main thread.
   The page shows a plain message instead of the form when this script does not run. */
(function () {
  "use strict";

  var form = document.querySelector("[data-module='bt-search']");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[name='q']");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var fallback = document.querySelector("[data-search-fallback]");
  var filters = form.querySelector("[data-search-filters]");
  var chosen = form.querySelector("[data-search-chosen]");
  var WIDE = window.matchMedia("(min-width: 48em)");
  var text = form.dataset;
  var worker = null;
  var latest = 0;
  var timer = null;

  function say(template, query, count) {
    status.textContent = template.replace("{query}", query).replace("{count}", count);
  }

  function chosenFields() {
    return Array.prototype.map.call(form.querySelectorAll("input[name='field']:checked"),
      function (box) { return box.value; });
  }

  /* Pagefind's excerpt is escaped text with <mark> around matches: keep exactly that. */
  function excerptNodes(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html").body.childNodes;
    var fragment = document.createDocumentFragment();
    Array.prototype.forEach.call(parsed, function (node) {
      fragment.appendChild(marked(node.textContent, node.nodeName === "MARK"));
    });
    return fragment;
  }

  /* The worker's own excerpt: pieces of text, the query's words marked. */
  function pieceNodes(pieces) {
    var fragment = document.createDocumentFragment();
    pieces.forEach(function (piece) {
      fragment.appendChild(marked(piece[0], piece[1]));
    });
    return fragment;
  }

  function marked(content, mark) {
    if (!mark) {
      return document.createTextNode(content);
    }
    var node = document.createElement("mark");
    node.textContent = content;
    return node;
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    node.className = className;
    if (content) {
      node.textContent = content;
    }
    return node;
  }

  /* The card photo as list cards show it (cards.html): WebP and JPEG in the card widths, sized
     for a list; decorative here, the title says what the result is. */
  function photo(meta) {
    var picture = element("picture", "bt-card__picture");
    if (meta.image_webp) {
      var source = document.createElement("source");
      source.type = "image/webp";
      source.srcset = meta.image_webp;
      source.sizes = text.imageSizes;
      picture.appendChild(source);
    }
    var image = element("img", "bt-card__image");
    image.src = meta.image;
    if (meta.image_srcset) {
      image.srcset = meta.image_srcset;
      image.sizes = text.imageSizes;
    }
    image.alt = "";
    image.loading = "lazy";
    image.decoding = "async";
    picture.appendChild(image);
    return picture;
  }

  /* A result without a photo gets the block list cards show in its place: its field's colour
     (`tone`, the field's place in FIELDS) and name; decorative, as in cards.html. */
  function fallbackPhoto(meta) {
    var block = element("div", "bt-card__image bt-card__fallback bt-card__fallback--" + (meta.tone || "0"));
    block.setAttribute("aria-hidden", "true");
    if (meta.field) {
      block.appendChild(element("span", "bt-card__fallback-name", meta.field));
    }
    return block;
  }

  function resultItem(result) {
    var meta = result.meta;
    var item = element("li", "bt-news-list__item bt-search__result");
    var card = element("article", "bt-card bt-card--with-image" + (meta.image ? "" : " bt-card--fallback"));
    var body = element("div", "bt-card__body");
    if (meta.field) {
      body.appendChild(element("p", "bt-card__field", meta.field));
    }
    var heading = element("h2", "bt-card__title");
    var link = element("a", "bt-card__link", meta.title || result.url);
    link.href = result.url;
    heading.appendChild(link);
    body.appendChild(heading);
    if (meta.date) {
      var when = element("p", "bt-card__meta");
      var time = element("time", "", meta.date);
      time.dateTime = meta.datetime || "";
      when.appendChild(time);
      body.appendChild(when);
    }
    var excerpt = element("p", "bt-search__excerpt");
    if (result.pieces) {
      excerpt.appendChild(pieceNodes(result.pieces));
    } else if (result.summary) {
      excerpt.textContent = result.summary;
    } else {
      excerpt.appendChild(excerptNodes(result.excerpt));
    }
    body.appendChild(excerpt);
    card.appendChild(body);
    card.appendChild(meta.image ? photo(meta) : fallbackPhoto(meta));
    item.appendChild(card);
    return item;
  }

  /* The field filter: open on wide screens or when a field is chosen, folded on a phone; its
     summary says how many fields are chosen. */
  function showFilters() {
    if (!filters) {
      return;
    }
    var count = chosenFields().length;
    chosen.textContent = count ? " (" + count + ")" : "";
    if (WIDE.matches || count) {
      filters.open = true;
    }
  }

  function remember(query, fields) {
    var params = new URLSearchParams();
    if (query) {
      params.set("q", query);
    }
    fields.forEach(function (field) { params.append("field", field); });
    var search = params.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
  }

  function run() {
    var query = input.value.trim();
    var fields = chosenFields();
    var request = ++latest;
    remember(query, fields);
    if (!query) {
      list.replaceChildren();
      say(text.textEmpty, "", 0);
      return;
    }
    say(text.textSearching, query, 0);
    worker.postMessage({ type: "search", request: request, query: query, fields: fields });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
  }

  function showResults(answer) {
    if (answer.request !== latest) {
      return;  /* a newer query is on its way */
    }
    var query = input.value.trim();
    list.replaceChildren.apply(list, answer.results.map(resultItem));
    if (!answer.count) {
      say(text.textNoResults, query, 0);
    } else {
      say(answer.count === 1 ? text.textOneResult : text.textResults, query, answer.count);
    }
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  params.getAll("field").forEach(function (field) {
    form.querySelectorAll("input[name='field']").forEach(function (box) {
      if (box.value === field) {
        box.checked = true;
      }
    });
  });

  form.hidden = false;
  fallback.hidden = true;
  showFilters();
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("change", showFilters);

  /* The worker answers searches once its index has loaded; a query typed before then waits. */
  var index = new URL(form.dataset.index, location.href);
  worker = new Worker(form.dataset.worker, { type: "module" });
  worker.addEventListener("message", function (event) {
    var answer = event.data;
    if (answer.type === "results") {
      showResults(answer);
    } else if (answer.type === "failed" && (answer.request === undefined || answer.request === latest)) {
      say(text.textFailed, input.value.trim(), 0);
    }
  });
  worker.addEventListener("error", function () {
    say(text.textFailed, "", 0);
  });
  worker.postMessage({ type: "start", index: index.href, language: document.documentElement.lang,
                       baseUrl: new URL("..", index).pathname });
  if (input.value) {
    run();
  }
}());
