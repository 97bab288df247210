/**
 * A small JSON reader (RFC 8259) that remembers where each object and array
 * starts, so problems in an OTIO file can point at the clip they are about,
 * and reports syntax errors at an offset (JSON.parse's messages and positions
 * differ between Node versions).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type JsonParseResult =
  | { value: JsonValue; offsets: WeakMap<object, number> }
  | { error: string; offset: number };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonWithOffsets(text: string): JsonParseResult {
  const offsets = new WeakMap<object, number>();
  let i = 0;
  const n = text.length;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const describe = (at: number): string => (at >= n ? 'the end of the file' : `'${text[at]}'`);

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };

  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let run = i;
    while (true) {
      if (i >= n) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < 32) fail('control character in a string (escape it)');
      if (c === 92) {
        out += text.slice(run, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('invalid escape in a string');
        }
        run = i;
        continue;
      }
      i++;
    }
  };

  const value = (depth: number): JsonValue => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      const obj: { [k: string]: JsonValue } = {};
      offsets.set(obj, i);
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      while (true) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
        const key = str();
        ws();
        if (text[i] !== ':') fail(`expected ":" after property name "${key}", found ${describe(i)}`);
        i++;
        const v = value(depth + 1);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected "," or "}" after a property value, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      const arr: JsonValue[] = [];
      offsets.set(arr, i);
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      while (true) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected "," or "]" after an array element, found ${describe(i)}`);
      }
    }
    if (c === '"') return str();
    const lit = /^(?:true|false|null)/.exec(text.slice(i, i + 5));
    if (lit) {
      i += lit[0].length;
      return lit[0] === 'null' ? null : lit[0] === 'true';
    }
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (num && num[0] !== '-') {
      i += num[0].length;
      return Number(num[0]);
    }
    // OTIO's Python writer emits these for non-finite floats
    const special = /^(?:NaN|-?Infinity)/.exec(text.slice(i, i + 9));
    if (special) {
      i += special[0].length;
      return Number(special[0]);
    }
    return fail(`expected a value, found ${describe(i)}`);
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    const v = value(0);
    ws();
    if (i < n) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return { value: v, offsets };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { error: e.message, offset: e.offset };
    throw e;
  }
}
