/* The desk published online (DESK_BACKEND): Decap talks to the git host straight from the
   editor's browser, with no server of the project in between. What the preview's server does
   for the local desk (bantin/desk/entries.py, paths.py) is done here, the same way, so that an
   article saved online is the file a hand edit or the local desk would write:
   - file names: the default language's text is index.md on the host and index.vi.md for Decap;
   - format: the `Key: value` header, read into the form and written back against the file as it
     was, so that an unchanged entry keeps its bytes and an edit changes only its own lines;
   - a translation the editor never wrote is not saved;
   - photos are refused before upload when the build would refuse them (name, not an image, too
     many pixels), with the photo pipeline's own sentence.
   Its settings come from the page (`#bantin-desk-online`, written by bantin/desk/online.py).
   It runs before the CMS's bundle and holds the CMS back until the page is read: the host's
   backend must be wrapped before the CMS creates it, whichever of config.yml and the page's
   scripts arrives first. */
window.CMS_MANUAL_INIT = true;
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var CMS = window.CMS;
  var SETTINGS = JSON.parse(document.getElementById("bantin-desk-online").textContent);
  var EDITIONS = SETTINGS.editions;
  var DEFAULT = EDITIONS[0];
  var SUFFIX = ".md";
  var ORDER = SETTINGS.keys.map(function (name) { return name.toLowerCase(); });
  var METADATA_LINE = /^([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$/;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
  var ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/;
  var ISO_LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::\d{2})?$/;

  /* --- File names ------------------------------------------------------------------------- */
  function diskPath(path) {
    var tail = "." + DEFAULT + SUFFIX;
    return path && path.slice(-tail.length) === tail
      ? path.slice(0, -tail.length) + SUFFIX : path;
  }

  /* The name Decap sees for a file on the host; null for index.vi.md on the host, which Decap
     could not tell from index.md. */
  function deskPath(path) {
    if (!path || path.slice(-SUFFIX.length) !== SUFFIX) { return path; }
    var stem = path.slice(0, -SUFFIX.length);
    var name = stem.split("/").pop();
    var lang = name.indexOf(".") >= 0 ? name.split(".").pop() : "";
    if (lang === DEFAULT) { return null; }
    if (EDITIONS.indexOf(lang) >= 0) { return path; }
    return stem + "." + DEFAULT + SUFFIX;
  }

  /* --- The project's header (core/header.py) ---------------------------------------------- */
  function keptLines(text) {
    return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) || [];
  }
  function bare(line) { return line.replace(/(?:\r\n|\r|\n)$/, ""); }
  function ending(line) { return line.slice(bare(line).length); }
  function isContinuation(line) { return line.slice(0, 4) === "    " || line[0] === "\t"; }
  function isBlank(line) { return !line.trim(); }

  /* A file cut where its header ends: the header with its blank line, each key's value
     (continuation lines joined by a space), the names as written, and the body. */
  function readSource(raw) {
    var bom = raw.charCodeAt(0) === 0xfeff;
    var text = bom ? raw.slice(1) : raw;
    var lines = keptLines(text);
    var source = { bom: bom, head: "", values: {}, names: {}, body: text, closed: true };
    if (!lines.length || !METADATA_LINE.test(bare(lines[0]))) { return source; }
    var end = 0;
    while (end < lines.length && !isBlank(lines[end])) { end += 1; }
    for (var index = 0; index < end; index += 1) {
      var match = isContinuation(lines[index]) ? null : METADATA_LINE.exec(bare(lines[index]));
      var key = match && match[1].toLowerCase();
      if (!match || source.values.hasOwnProperty(key)) { continue; }
      var parts = [match[2].trim()];
      for (var next = index + 1; next < end && isContinuation(lines[next]); next += 1) {
        parts.push(lines[next].trim());
      }
      source.values[key] = parts.join(" ").trim();
      source.names[key] = match[1];
    }
    source.head = lines.slice(0, end + 1).join("");
    source.body = lines.slice(end + 1).join("");
    source.closed = end < lines.length;
    return source;
  }

  /* `head` with the header values of `changed` (names as written): a changed line rewritten in
     place with its continuations, a new key added at the end of the header, every other line
     kept as it was. */
  function rewriteHeader(head, changed) {
    var lines = keptLines(head);
    var end = 0;
    while (end < lines.length && !isBlank(lines[end])) { end += 1; }
    var pending = {};
    Object.keys(changed).forEach(function (name) {
      pending[name.toLowerCase()] = [name, changed[name]];
    });
    var newline = lines.slice(0, end).map(ending).filter(Boolean)[0] || "\n";
    var out = [];
    var index = 0;
    while (index < end) {
      var stop = index + 1;
      while (stop < end && isContinuation(lines[stop])) { stop += 1; }
      var match = isContinuation(lines[index]) ? null : METADATA_LINE.exec(bare(lines[index]));
      var key = match ? match[1].toLowerCase() : null;
      var written = lines.slice(index, stop).map(function (line) { return line.trim(); })
        .join(" ").split(":").slice(1).join(":").trim();
      if (key && pending[key] && pending[key][1] !== written) {
        out.push((match[1] + ": " + pending[key][1]).trimEnd() + (ending(lines[index]) || newline));
      } else {
        out = out.concat(lines.slice(index, stop));
      }
      if (key) { delete pending[key]; }
      index = stop;
    }
    if (out.length && !ending(out[out.length - 1])) { out[out.length - 1] += newline; }
    Object.keys(pending).forEach(function (key) {
      out.push((pending[key][0] + ": " + pending[key][1]).trimEnd() + newline);
    });
    return out.concat(lines.slice(end)).join("");
  }

  /* --- Values as the form edits them and as a header line holds them ---------------------- */
  function parseDate(value) {
    var match = ISO_DATE.exec(value);
    if (!match) { return null; }
    var parts = match.slice(1).map(function (part) { return Number(part || 0); });
    var moment = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]));
    if (moment.getUTCFullYear() !== parts[0] || moment.getUTCMonth() !== parts[1] - 1 ||
        moment.getUTCDate() !== parts[2] || moment.getUTCHours() !== parts[3] ||
        moment.getUTCMinutes() !== parts[4] || parts[5] > 59) { return null; }
    return moment;
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function formValue(key, value) {
    if (key === "tags") {
      return value.split(",").map(function (tag) { return tag.trim(); }).filter(Boolean);
    }
    if (key === "date") {
      var moment = parseDate(value);
      return moment ? moment.toISOString().slice(0, 10) + " " + pad(moment.getUTCHours()) + ":" +
        pad(moment.getUTCMinutes()) : value;
    }
    return value;
  }

  function inZone(utc) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: SETTINGS.timezone, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit"
    }).formatToParts(utc).forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  function headerValue(key, value) {
    if (value === null || value === undefined) { return ""; }
    if (Array.isArray(value)) {
      return value.map(function (item) { return headerValue(key, item); })
        .filter(Boolean).join(", ");
    }
    if (typeof value === "object" && !(value instanceof Date)) {
      throw new Error("Thông tin '" + key + "' phải là chữ hoặc danh sách, không phải một bảng");
    }
    if (value instanceof Date) { return inZone(value); }
    var text = String(value).split(/\s+/).filter(Boolean).join(" ").normalize("NFC");
    if (key === "date") {
      var utc = ISO_UTC.exec(text);
      var local = ISO_LOCAL.exec(text);
      if (utc) { return inZone(new Date(utc[1] + "T" + utc[2] + ":00Z")); }
      if (local) { return local[1] + " " + pad(Number(local[2])) + ":" + local[3]; }
    }
    return text;
  }

  function spelling(key) {
    var known = ORDER.indexOf(key);
    return known >= 0 ? SETTINGS.keys[known] : key.charAt(0).toUpperCase() + key.slice(1);
  }

  /* Decap's format for the articles ("bantin-header"): the form's values from a file, and the
     form's values as header lines (every key, empty ones too, so that a cleared field clears
     its line), a blank line and the body. `written` turns that into the file. */
  var headerFormat = {
    fromFile: function (content) {
      var source = readSource(content);
      var data = {};
      Object.keys(source.values).forEach(function (key) {
        data[key] = formValue(key, source.values[key]);
      });
      data.body = source.body;
      return data;
    },
    toFile: function (data) {
      var keys = Object.keys(data).filter(function (key) { return key !== "body"; });
      var lines = keys.map(function (key) {
        return spelling(key.toLowerCase()) + ": " + headerValue(key.toLowerCase(), data[key]);
      });
      return lines.join("\n") + "\n\n" + (data.body || "");
    }
  };
  CMS.registerCustomFormat("bantin-header", "md", headerFormat);

  /* The text `toFile` wrote: its values (lower-case keys) and its body. */
  function readForm(text) {
    var lines = keptLines(text);
    var values = {};
    var index = 0;
    for (; index < lines.length && !isBlank(lines[index]); index += 1) {
      var match = METADATA_LINE.exec(bare(lines[index]));
      if (match) { values[match[1].toLowerCase()] = match[2].trim(); }
    }
    return { values: values, body: lines.slice(index + 1).join("") };
  }

  /* --- The file written against the one the editor opened (entries.from_desk) -------------- */
  function newlineOf(text) {
    var crlf = (text.match(/\r\n/g) || []).length;
    return crlf && crlf * 2 > (text.match(/\n/g) || []).length ? "\r\n" : "\n";
  }

  function bodyLines(text) {
    var parts = text.split("\n");
    var last = parts.pop();
    return parts.map(function (part) { return part + "\n"; }).concat(last ? [last] : []);
  }

  function same(first, second) {
    return first.length === second.length &&
      first.every(function (line, index) { return line === second[index]; });
  }

  /* Pairs of equal lines (old index, new index) in order: a longest common subsequence of what
     lies between the common beginning and end. */
  function sameLines(old, next) {
    var start = 0;
    while (start < old.length && start < next.length && old[start] === next[start]) { start += 1; }
    var tail = 0;
    while (tail < old.length - start && tail < next.length - start &&
           old[old.length - 1 - tail] === next[next.length - 1 - tail]) { tail += 1; }
    var a = old.slice(start, old.length - tail);
    var b = next.slice(start, next.length - tail);
    var table = [];
    for (var i = a.length; i >= 0; i -= 1) {
      table[i] = new Uint32Array(b.length + 1);
      for (var j = b.length - 1; i < a.length && j >= 0; j -= 1) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1
          : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    var pairs = [];
    for (var k = 0; k < start; k += 1) { pairs.push([k, k]); }
    for (i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] === b[j]) { pairs.push([start + i, start + j]); i += 1; j += 1; }
      else if (table[i + 1][j] >= table[i][j + 1]) { i += 1; }
      else { j += 1; }
    }
    for (k = 0; k < tail; k += 1) {
      pairs.push([old.length - tail + k, next.length - tail + k]);
    }
    return pairs;
  }

  /* The edited body with every unchanged line as it was written (its ending included), changed
     lines in NFC with the file's line ending, and the original's last newline or its absence. */
  function mergeBody(original, edited, newline) {
    var old = bodyLines(original);
    var next = bodyLines(edited);
    var oldKeys = old.map(bare);
    var newKeys = next.map(bare);
    while (oldKeys.length && newKeys.length && !newKeys[newKeys.length - 1] &&
           oldKeys[oldKeys.length - 1]) { newKeys.pop(); }
    while (oldKeys.length && newKeys.length && !oldKeys[oldKeys.length - 1] &&
           same(newKeys, oldKeys.slice(0, -1))) { newKeys.push(""); }
    if (same(oldKeys, newKeys)) { return original; }
    var merged = [];
    var newAt = 0;
    sameLines(oldKeys, newKeys).concat([[oldKeys.length, newKeys.length]]).forEach(function (pair) {
      for (; newAt < pair[1]; newAt += 1) { merged.push(newKeys[newAt].normalize("NFC") + newline); }
      if (pair[0] < oldKeys.length) { merged.push(old[pair[0]]); }
      newAt = pair[1] + 1;
    });
    if (merged.length && !/[\r\n]$/.test(merged[merged.length - 1])) {
      merged[merged.length - 1] += newline;
    }
    if (original && original.slice(-1) !== "\n" && merged.length) {
      merged[merged.length - 1] = bare(merged[merged.length - 1]);
    }
    return merged.join("");
  }

  /* A new file: the keys in the project's order (the lint's list), others after, no empty
     line, the body in NFC without trailing blank lines. */
  function newSource(values, body) {
    var keys = Object.keys(values).filter(function (key) { return values[key]; });
    keys.sort(function (a, b) {
      var first = ORDER.indexOf(a) < 0 ? ORDER.length : ORDER.indexOf(a);
      var second = ORDER.indexOf(b) < 0 ? ORDER.length : ORDER.indexOf(b);
      return first - second;
    });
    var text = body.split("\n").map(function (line) {
      return line.replace(/\r+$/, "").normalize("NFC");
    }).join("\n").replace(/\n+$/, "");
    return keys.map(function (key) {
      return (spelling(key) + ": " + values[key]).trimEnd() + "\n";
    }).join("") + "\n" + (text ? text + "\n" : "");
  }

  /* The file for the form's text, against `original` (undefined for a new file). */
  function written(text, original, defaults) {
    var form = readForm(text);
    if (original === undefined) {
      Object.keys(defaults).forEach(function (key) {
        if (!form.values[key]) { form.values[key] = defaults[key]; }
      });
      return newSource(form.values, form.body);
    }
    var source = readSource(original);
    var changed = {};
    Object.keys(form.values).forEach(function (key) {
      var value = form.values[key];
      if (source.values.hasOwnProperty(key)) {
        if (value !== headerValue(key, formValue(key, source.values[key]))) {
          changed[source.names[key]] = value;
        }
      } else if (value) {
        changed[spelling(key)] = value;
      }
    });
    var head = Object.keys(changed).length ? rewriteHeader(source.head, changed) : source.head;
    var newline = newlineOf(original);
    var merged = mergeBody(source.body, form.body, newline);
    if (merged && head && !source.closed) { head += newline; }
    return (source.bom ? "\ufeff" : "") + head + merged;
  }

  /* --- Photos, refused before they reach the host ----------------------------------------- */
  var SIGNATURES = [
    [0, [0xff, 0xd8, 0xff]],
    [0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    [8, [0x57, 0x45, 0x42, 0x50]],  /* RIFF....WEBP */
    [4, [0x66, 0x74, 0x79, 0x70]]   /* ISO media (HEIC, HEIF): ....ftyp */
  ];

  function notAPhoto(name) {
    return "Tệp “" + name + "” không phải là ảnh (hãy dùng " + SETTINGS.photo_formats + ")";
  }

  function photoProblem(name, bytes) {
    if (new TextEncoder().encode(name).length > SETTINGS.photo_name_max) {
      return "Tên ảnh '" + name.slice(0, 40) + "...' quá dài: hãy đổi tên tệp ảnh cho ngắn";
    }
    var known = SIGNATURES.some(function (signature) {
      return signature[1].every(function (byte, index) {
        return bytes[signature[0] + index] === byte;
      });
    });
    if (!known) { return notAPhoto(name); }
    return "";
  }

  function checkedPhoto(asset) {
    var file = asset.fileObj;
    var name = String(asset.path || "").split("/").pop();
    if (!file || !/\.(jpe?g|png|webp|heic|heif)$/i.test(name)) {
      return Promise.reject(new Error(notAPhoto(name)));
    }
    return file.arrayBuffer().then(function (buffer) {
      var problem = photoProblem(name, new Uint8Array(buffer.slice(0, 16)));
      if (problem) { throw new Error(problem); }
      if (/\.hei[cf]$/i.test(name)) { return asset; }  /* the browser cannot decode HEIC */
      return createImageBitmap(file).catch(function () {
        throw new Error(notAPhoto(name));
      }).then(function (image) {
        var pixels = image.width * image.height;
        var size = image.width + "×" + image.height;
        image.close();
        if (pixels > SETTINGS.photo_max_pixels) {
          throw new Error("Ảnh “" + name + "” quá lớn (" + size + " điểm ảnh, tối đa " +
                          Math.floor(SETTINGS.photo_max_pixels / 1e6) + " triệu điểm ảnh): " +
                          "hãy thu nhỏ ảnh rồi lưu lại");
        }
        return asset;
      });
    });
  }

  /* --- The host's backend, seen through the project's file names and format ---------------- */
  function translated(host) {
    var opened = {};  /* host path -> the text the editor opened (the file as it was) */

    function shown(entries) {
      var visible = entries.filter(function (entry) {
        return deskPath(entry.file.path) !== null;
      }).map(function (entry) {
        opened[entry.file.path] = entry.data;
        return Object.assign({}, entry, {
          file: Object.assign({}, entry.file, { path: deskPath(entry.file.path) })
        });
      });
      Object.getOwnPropertySymbols(entries).forEach(function (symbol) {
        visible[symbol] = entries[symbol];  /* the host's cursor over the listing */
      });
      return visible;
    }

    function unwritten(file, text) {
      var path = diskPath(file.path);
      if (path !== file.path || opened.hasOwnProperty(path)) { return false; }
      var form = readForm(text);
      return !form.values.title && !form.body.trim();
    }

    var own = {
      entriesByFolder: function (folder, extension, depth) {
        return host.entriesByFolder(folder, extension, depth).then(shown);
      },
      allEntriesByFolder: function () {
        return host.allEntriesByFolder.apply(host, arguments).then(shown);
      },
      entriesByFiles: function (files) {
        return host.entriesByFiles(files.map(function (file) {
          return Object.assign({}, file, { path: diskPath(file.path) });
        })).then(shown);
      },
      traverseCursor: function (cursor, action) {
        return host.traverseCursor(cursor, action).then(function (result) {
          return Object.assign({}, result, { entries: shown(result.entries) });
        });
      },
      getEntry: function (path) {
        return host.getEntry(diskPath(path)).then(function (entry) {
          opened[diskPath(path)] = entry.data;
          return Object.assign({}, entry, { file: Object.assign({}, entry.file, { path: path }) });
        });
      },
      unpublishedEntry: function (options) {
        return host.unpublishedEntry(options).then(function (entry) {
          return Object.assign({}, entry, {
            diffs: entry.diffs.filter(function (diff) {
              return deskPath(diff.path) !== null;
            }).map(function (diff) {
              return Object.assign({}, diff, { path: deskPath(diff.path) });
            })
          });
        });
      },
      unpublishedEntryDataFile: function (collection, slug, path, id) {
        return host.unpublishedEntryDataFile(collection, slug, diskPath(path), id)
          .then(function (data) {
            opened[diskPath(path)] = data;
            return data;
          });
      },
      persistEntry: function (entry, options) {
        var files = entry.dataFiles.filter(function (file) {
          return !unwritten(file, file.raw);
        }).map(function (file) {
          var path = diskPath(file.path);
          var folder = path.split("/").slice(-2, -1)[0];
          var raw = written(file.raw, opened[path], { slug: folder });
          return Object.assign({}, file, { path: path, raw: raw,
                                           newPath: file.newPath && diskPath(file.newPath) });
        });
        return Promise.all((entry.assets || []).map(checkedPhoto)).then(function () {
          return host.persistEntry(Object.assign({}, entry, { dataFiles: files }), options);
        }).then(function (result) {
          files.forEach(function (file) { opened[file.path] = file.raw; });
          return result;
        });
      },
      persistMedia: function (file, options) {
        return checkedPhoto(file).then(function () { return host.persistMedia(file, options); });
      }
    };

    return new Proxy(host, {
      get: function (target, name) {
        /* a method the host lacks stays missing: the CMS asks before it calls some */
        if (own.hasOwnProperty(name) && typeof target[name] === "function") { return own[name]; }
        var value = target[name];
        return typeof value === "function" ? value.bind(target) : value;
      }
    });
  }

  /* The settings' git host reads and writes through `translated`. */
  var registered = CMS.getBackend(SETTINGS.backend);
  var start = registered.init;
  registered.init = function () { return translated(start.apply(null, arguments)); };

  window.bantinDeskOnline = { written: written, format: headerFormat, deskPath: deskPath };
  CMS.init();
});
