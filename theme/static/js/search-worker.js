/* Bản tin search, off the page's main thread: a module worker (started by search.js) that loads
   Pagefind's index and WebAssembly, searches with and without tone marks, puts the results in
   order of closeness to what the reader typed and cuts their excerpts. The page only shows what
   it sends back, so that a phone stays responsive while the index loads. */

var WORD = /[\p{L}\p{N}]+/gu;
var RANKED = 50;  /* Pagefind's best results that are read and put in order of closeness */
var MAX_RESULTS = 20;
var EXCERPT_WORDS = 30;
var EXCERPT_BEFORE = 10;
var pagefind = null;

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

/* Matched only through the folded spelling (weight below Pagefind's default of 1): its
   excerpt would quote the accent-free word list, so the page's summary reads better. */
function onlyFoldedMatches(data) {
  var locations = data.weighted_locations || [];
  return locations.length > 0 && locations.every(function (location) {
    return location.weight < 1;
  });
}

/* The excerpt around the first place where the query's words appear together (else around the
   first of them), accent-folded, as pieces of text [text, marked], the query's words marked:
   Pagefind's own excerpt centres on single words and may quote the accent-free word list. */
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
  var pieces = [[start > 0 ? "… " : "", false]];
  text.slice(start, start + EXCERPT_WORDS).forEach(function (word, k) {
    if (k > 0) { pieces.push([" ", false]); }
    pieces.push([word, wanted.indexOf(keys[start + k]) >= 0]);
  });
  pieces.push([start + EXCERPT_WORDS < text.length ? " …" : "", false]);
  return pieces;
}

/* One result as the page shows it: address, metadata and the excerpt, either as pieces of text
   (`pieces`), the page's summary, or Pagefind's own excerpt (escaped text with <mark>). */
function shown(data, typed) {
  var pieces = phraseExcerpt(data, typed);
  var meta = data.meta || {};
  return {
    url: data.url,
    meta: meta,
    pieces: pieces,
    summary: !pieces && onlyFoldedMatches(data) && meta.description ? meta.description : null,
    excerpt: data.excerpt || ""
  };
}

function search(message) {
  if (!pagefind) {
    return Promise.resolve({ request: message.request, count: 0, results: [] });
  }
  return find(message.query, message.fields).then(function (results) {
    return Promise.all(results.slice(0, RANKED).map(function (result) {
      return result.data();
    })).then(function (pages) {
      var typed = words(message.query);
      return {
        request: message.request,
        count: results.length,
        results: byCloseness(message.query, pages).slice(0, MAX_RESULTS).map(function (data) {
          return shown(data, typed);
        })
      };
    });
  });
}

/* The index is in parts (a year of an edition's articles, its pages), listed newest first in
   parts.json: the first part's Pagefind is loaded and the others merged into it, to be searched
   as one index. Pagefind picks the index of the page's language from its <html lang>; a worker
   has no page, so it is given one that answers with the language search.js reads from the page. */
function start(message) {
  self.document = {
    currentScript: null,
    querySelector: function () {
      return { getAttribute: function () { return message.language; } };
    }
  };
  return fetch(message.index + "parts.json").then(function (response) {
    if (!response.ok) {
      throw new Error("parts.json: " + response.status);
    }
    return response.json();
  }).then(function (parts) {
    var mine = (parts[message.language] || []).map(function (part) {
      return message.index + message.language + "/" + part + "/";
    });
    if (!mine.length) {
      return null;  /* nothing of this language is indexed: every search finds nothing */
    }
    return import(mine[0] + "pagefind.js").then(function (module) {
      pagefind = module;
      return pagefind.options({ baseUrl: message.baseUrl });
    }).then(function () {
      return pagefind.init();
    }).then(function () {
      return Promise.all(mine.slice(1).map(function (part) {
        return pagefind.mergeIndex(part, { language: message.language, baseUrl: message.baseUrl });
      }));
    });
  });
}

/* Messages are answered in order: searches sent while the index loads wait for it. */
var started = null;

self.addEventListener("message", function (event) {
  var message = event.data;
  var work;
  if (message.type === "start") {
    started = start(message);
    work = started.then(function () {
      return null;  /* the page waits for results, not for the index */
    });
  } else {
    work = started.then(function () {
      return search(message);
    }).then(function (answer) {
      answer.type = "results";
      return answer;
    });
  }
  work.then(function (answer) {
    if (answer) {
      self.postMessage(answer);
    }
  }, function () {
    self.postMessage({ type: "failed", request: message.request });
  });
});
