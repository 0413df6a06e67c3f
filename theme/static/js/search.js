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
  var filters = form.querySelector("[data-search-filters]");
  var chosen = form.querySelector("[data-search-chosen]");
  var WIDE = window.matchMedia("(min-width: 48em)");
  var text = form.dataset;
  var MAX_RESULTS = 20;
  var RANKED = 50;  /* Pagefind's best results that are read and put in order of closeness */
  var EXCERPT_WORDS = 30;
  var EXCERPT_BEFORE = 10;
  var WORD = /[\p{L}\p{N}]+/gu;
  var pagefind = null;
  var latest = 0;
  var timer = null;

  /* "Đoàn thanh niên" -> "doan thanh nien": the index holds this spelling of words with đ. */
  function fold(query) {
    return query.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  /* The words of a text, lower case, in order, each in NFC. */
  function words(text) {
    return text.normalize("NFC").toLowerCase().match(WORD) || [];
  }

  /* Whether `needle` occurs in `haystack` as consecutive whole words. */
  function together(haystack, needle) {
    return needle.length > 0 && (" " + haystack.join(" ") + " ").indexOf(" " + needle.join(" ") + " ") >= 0;
  }

  function present(haystack, needle) {
    var known = {};
    haystack.forEach(function (word) { known[word] = true; });
    return needle.filter(function (word) { return known[word]; }).length;
  }

  /* How closely a text matches what the reader typed: 5 the query as typed (marks included) as a
     phrase, 4 its syllables together and in order without marks ("hien mau" in "hiến máu"),
     3 every word as typed, 2 every word without marks, 1 some of them, 0 none. A query typed
     without marks cannot tell 5 from 4 nor 3 from 2. */
  function closeness(typed, text) {
    var exact = words(text);
    var folded = exact.map(fold);
    var typedFolded = typed.map(fold);
    if (together(exact, typed)) { return 5; }
    if (together(folded, typedFolded)) { return 4; }
    if (present(exact, typed) === typed.length) { return 3; }
    if (present(folded, typedFolded) === typed.length) { return 2; }
    return present(folded, typedFolded) > 0 ? 1 : 0;
  }

  /* The page's own text, as Pagefind's words (its content split at white space), without the
     accent-free word list: that is the last paragraph and the only one weighted below 1, so
     the text ends where the first word Pagefind matched in it is. */
  function readable(data) {
    var all = (data.content || "").split(/[\r\n\s]+/);
    var end = all.length;
    (data.weighted_locations || []).forEach(function (location) {
      if (location.weight < 1) { end = Math.min(end, location.location); }
    });
    return all.slice(0, end);
  }

  /* Pagefind ranks words one by one, so "hien mau" may list first a page that says "hiện" and
     nothing of "máu". The results are put in order of closeness of the whole page, then of the
     title alone; Pagefind's order (exact spellings first) settles the rest. */
  function byCloseness(query, pages) {
    var typed = words(query);
    return pages.map(function (data, position) {
      var title = (data.meta && data.meta.title) || "";
      return { data: data, position: position, title: closeness(typed, title),
               page: closeness(typed, title + " \n " + readable(data).join(" ")) };
    }).sort(function (a, b) {
      return (b.page - a.page) || (b.title - a.title) || (a.position - b.position);
    }).map(function (ranked) { return ranked.data; });
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

  /* The excerpt around the first place where the query's words appear together (else around the
     first of them), accent-folded, with those words marked: Pagefind's own excerpt centres on
     single words and may quote the accent-free word list. */
  function phraseExcerpt(data, typed) {
    var text = readable(data);
    var keys = text.map(function (word) { return words(word).map(fold).join(" "); });
    var wanted = typed.map(fold);
    var at = -1;
    for (var i = 0; i + wanted.length <= keys.length && at < 0; i++) {
      if (wanted.every(function (word, k) { return keys[i + k] === word; })) { at = i; }
    }
    for (var j = 0; j < keys.length && at < 0; j++) {
      if (wanted.indexOf(keys[j]) >= 0) { at = j; }
    }
    if (at < 0) {
      return null;
    }
    var start = Math.max(0, at - EXCERPT_BEFORE);
    var fragment = document.createDocumentFragment();
    fragment.appendChild(document.createTextNode(start > 0 ? "… " : ""));
    text.slice(start, start + EXCERPT_WORDS).forEach(function (word, k) {
      if (k > 0) { fragment.appendChild(document.createTextNode(" ")); }
      if (wanted.indexOf(keys[start + k]) >= 0) {
        var mark = document.createElement("mark");
        mark.textContent = word;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(word));
      }
    });
    fragment.appendChild(document.createTextNode(start + EXCERPT_WORDS < text.length ? " …" : ""));
    return fragment;
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    node.className = className;
    if (content) {
      node.textContent = content;
    }
    return node;
  }

  function resultItem(data, typed) {
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
    var own = phraseExcerpt(data, typed);
    if (own) {
      excerpt.appendChild(own);
    } else if (onlyFoldedMatches(data) && meta.description) {
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
    find(query, fields).then(function (results) {
      return Promise.all(results.slice(0, RANKED).map(function (result) {
        return result.data();
      })).then(function (pages) {
        if (request !== latest) {
          return;  /* a newer query is on its way */
        }
        var shown = byCloseness(query, pages).slice(0, MAX_RESULTS);
        list.replaceChildren.apply(list, shown.map(function (data) {
          return resultItem(data, words(query));
        }));
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
    form.addEventListener("change", showFilters);
    showFilters();
    if (input.value) {
      run();
    }
  }).catch(function () {
    say(text.textFailed, "", 0);
  });
}());
