/**
 * What `fmt` needs to know about a place in a project file, read from the JSON Schema
 * at run time (schema/postaudio.schema.json is the single source of truth for the YAML
 * shape): the canonical key order of a map, the schema of a child, and whether a string
 * there is a timecode or a quantity with a unit. A field added to the schema is ordered
 * and canonicalised without a change here.
 */
import { schema as projectSchema } from '../compiler/validate-schema.ts';
import { parseQuantity } from '../compiler/units.ts';

type S = Record<string, unknown>;

/** A schema node with the names of the $defs it was reached through (innermost last). */
export interface Place {
  node: S;
  defs: string[];
  /** Every description met on the way here (property, $ref targets, anyOf branch). */
  texts?: string[];
}

const textsOf = (p: Place, n: S): string[] => [...(p.texts ?? []), ...(typeof n.description === 'string' ? [n.description] : [])];

/**
 * Top-level sections in the order a reader meets them: what the film is, where picture
 * and media come from, the timeline, then rights, automation and the master. The schema's
 * property order decides; this list only places a section the schema does not have yet.
 * Unknown keys go last.
 */
export const TOP_ORDER = ['postaudio', 'project', 'picture', 'include', 'sources', 'buses', 'dialogue', 'sfx', 'foley', 'music', 'licenses', 'automation', 'master'];

/** Keys kept at the end of a map of a given $def, whatever the schema order: an event's routing reads last. */
export const LAST_KEYS: Record<string, string[]> = { event: ['bus'] };

export class SchemaWalk {
  private readonly quantityTexts = new Map<string, boolean>();

  constructor(private readonly root: S = projectSchema) {}

  top(): Place {
    return { node: this.root, defs: [] };
  }

  /** Follows $ref chains. */
  private deref(p: Place): Place {
    let { node, defs } = p;
    let texts = textsOf(p, node);
    for (let guard = 0; typeof node.$ref === 'string' && guard < 32; guard++) {
      const ref = node.$ref as string;
      const m = /^#\/\$defs\/([^/]+)$/.exec(ref);
      const target = m ? ((this.root.$defs as S | undefined)?.[m[1]] as S | undefined) : undefined;
      if (!target) break;
      defs = [...defs, m![1]];
      node = target;
      texts = textsOf({ node, defs, texts }, node);
    }
    return { node, defs, texts };
  }

  /** The branch of an anyOf/oneOf that fits a YAML node of this kind (map, seq or scalar). */
  private branch(p: Place, kind: 'map' | 'seq' | 'scalar'): Place {
    const d = this.deref(p);
    const alts = (d.node.anyOf ?? d.node.oneOf) as S[] | undefined;
    if (!Array.isArray(alts)) return d;
    for (const alt of alts) {
      const a = this.branch({ node: alt, defs: d.defs, texts: d.texts }, kind);
      const t = a.node.type;
      const types = Array.isArray(t) ? t : [t];
      const fits =
        kind === 'map' ? types.includes('object') || a.node.properties !== undefined : kind === 'seq' ? types.includes('array') : types.some((x) => x === 'string' || x === 'number' || x === 'boolean' || x === 'integer') || a.node.enum !== undefined || a.node.const !== undefined;
      if (fits) return a;
    }
    return d;
  }

  asMap(p: Place | undefined): Place | undefined {
    return p ? this.branch(p, 'map') : undefined;
  }

  asSeq(p: Place | undefined): Place | undefined {
    return p ? this.branch(p, 'seq') : undefined;
  }

  asScalar(p: Place | undefined): Place | undefined {
    return p ? this.branch(p, 'scalar') : undefined;
  }

  /** The schema of the value under `key` of a map place. */
  child(map: Place | undefined, key: string): Place | undefined {
    if (!map) return undefined;
    const props = map.node.properties as S | undefined;
    if (props && typeof props[key] === 'object') return { node: props[key] as S, defs: map.defs };
    const extra = map.node.additionalProperties;
    if (extra && typeof extra === 'object') return { node: extra as S, defs: map.defs };
    return undefined;
  }

  /** The schema of item `index` of a seq place (`prefixItems` for tuples, else `items`). */
  item(seq: Place | undefined, index = 0): Place | undefined {
    const prefix = seq?.node.prefixItems;
    if (Array.isArray(prefix) && index < prefix.length) return { node: prefix[index] as S, defs: seq!.defs };
    const items = seq?.node.items;
    return items && typeof items === 'object' && !Array.isArray(items) ? { node: items as S, defs: seq!.defs } : undefined;
  }

  /** Canonical key order of a map place, and the keys that go last. */
  keyOrder(map: Place | undefined, isTop: boolean): { order: string[]; last: string[] } {
    if (!map) return { order: [], last: [] };
    const props = Object.keys((map.node.properties as S | undefined) ?? {});
    if (isTop) {
      // the schema's order; a section of TOP_ORDER the schema does not have yet goes after its predecessor there
      const order = [...props];
      TOP_ORDER.forEach((k, i) => {
        if (order.includes(k)) return;
        const before = TOP_ORDER.slice(0, i).reverse().find((p) => order.includes(p));
        order.splice(before === undefined ? 0 : order.indexOf(before) + 1, 0, k);
      });
      return { order, last: [] };
    }
    const def = map.defs[map.defs.length - 1];
    const last = (def && LAST_KEYS[def]) || [];
    return { order: props.filter((k) => !last.includes(k)), last };
  }

  /** A timecode field: reached through the `timecode` def, or carrying its pattern. */
  isTimecode(p: Place | undefined): boolean {
    if (!p) return false;
    if (p.defs.includes('timecode')) return true;
    const tc = (this.root.$defs as S | undefined)?.timecode as S | undefined;
    return Boolean(tc && typeof p.node.pattern === 'string' && p.node.pattern === tc.pattern);
  }

  /**
   * A quantity field: a free string whose description shows an example with a unit
   * ('A gain in decibels, e.g. "-6 dB".', 'e.g. "1 LU"'). Names, paths and enums have none.
   */
  isQuantity(p: Place | undefined): boolean {
    if (!p) return false;
    const n = p.node;
    if (n.enum !== undefined || n.const !== undefined || n.pattern !== undefined || n.format !== undefined) return false;
    const types = Array.isArray(n.type) ? n.type : [n.type];
    if (n.type !== undefined && !types.includes('string')) return false;
    const text = (p.texts ?? []).join(' ');
    let known = this.quantityTexts.get(text);
    if (known === undefined) {
      known = [...text.matchAll(/"([^"]+)"/g)].some((m) => !('error' in parseQuantity(m[1])));
      this.quantityTexts.set(text, known);
    }
    return known;
  }
}
