/* Bản tin search page: Pagefind's index, queried with and without tone marks.
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
  var text = form.dataset;
  var MAX_RESULTS = 20;
  var pagefind = null;
  var latest = 0;
  var timer = null;

  /* "Đoàn thanh niên" -> "doan thanh nien": the index holds this spelling of words with đ. */
  function fold(query) {
    return query.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function say(template, query, count) {
    status.textContent = template.replace("{query}", query).replace("{count}", count);
  }

  function chosenFields() {
    return Array.prototype.map.call(form.querySelectorAll("input[name='field']:checked"),
      function (box) { return box.value; });
  }

  /* The query as typed first, so exact spellings rank first; then its folded form. */
  function find(query, fields) {
    var options = fields.length ? { filters: { field: { any: fields } } } : {};
    var searches = [pagefind.search(query, options)];
    if (fold(query) !== query.toLowerCase()) {
      searches.push(pagefind.search(fold(query), options));
    }
    return Promise.all(searches).then(function (responses) {
      var seen = {};
      var results = [];
      responses.forEach(function (response) {
        (response ? response.results : []).forEach(function (result) {
          if (!seen[result.id]) {
            seen[result.id] = true;
            results.push(result);
          }
        });
      });
      return results;
    });
  }

  /* Pagefind's excerpt is escaped text with <mark> around matches: keep exactly that. */
  function excerptNodes(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html").body.childNodes;
    var fragment = document.createDocumentFragment();
    Array.prototype.forEach.call(parsed, function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(node.textContent));
      }
    });
    return fragment;
  }

  /* Matched only through the folded spelling (weight below Pagefind's default of 1): its
     excerpt would quote the accent-free word list, so the page's summary reads better. */
  function onlyFoldedMatches(data) {
    var locations = data.weighted_locations || [];
    return locations.length > 0 && locations.every(function (location) {
      return location.weight < 1;
    });
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    node.className = className;
    if (content) {
      node.textContent = content;
    }
    return node;
  }

  function resultItem(data) {
    var meta = data.meta || {};
    var item = element("li", "bt-news-list__item bt-search__result");
    var card = element("article", "bt-card" + (meta.image ? " bt-card--with-image" : ""));
    var body = element("div", "bt-card__body");
    if (meta.field) {
      body.appendChild(element("p", "bt-card__field", meta.field));
    }
    var heading = element("h2", "bt-card__title");
    var link = element("a", "bt-card__link", meta.title || data.url);
    link.href = data.url;
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
    if (onlyFoldedMatches(data) && meta.description) {
      excerpt.textContent = meta.description;
    } else {
      excerpt.appendChild(excerptNodes(data.excerpt || ""));
    }
    body.appendChild(excerpt);
    card.appendChild(body);
    if (meta.image) {
      var image = element("img", "bt-card__image bt-search__image");
      image.src = meta.image;
      image.alt = "";
      image.loading = "lazy";
      card.appendChild(image);
    }
    item.appendChild(card);
    return item;
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
    find(query, fields).then(function (results) {
      return Promise.all(results.slice(0, MAX_RESULTS).map(function (result) {
        return result.data();
      })).then(function (pages) {
        if (request !== latest) {
          return;  /* a newer query is on its way */
        }
        list.replaceChildren.apply(list, pages.map(resultItem));
        if (!results.length) {
          say(text.textNoResults, query, 0);
        } else {
          say(results.length === 1 ? text.textOneResult : text.textResults, query, results.length);
        }
      });
    }).catch(function () {
      say(text.textFailed, query, 0);
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
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

  import(form.dataset.bundle).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: new URL("..", new URL(form.dataset.bundle, location.href)).pathname });
  }).then(function () {
    form.hidden = false;
    fallback.hidden = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      run();
    });
    input.addEventListener("input", later);
    form.addEventListener("change", later);
    if (input.value) {
      run();
    }
  }).catch(function () {
    say(text.textFailed, "", 0);
  });
}());
