/**
 * Sample IBcatalogue products: real Schneider Electric reference patterns (TeSys D contactors, Altivar drives,
 * Acti9 breakers, Compact NSX, PowerLogic meters, …) expanded from a few families. The sample letters'
 * matches point at these identifiers (and, now and then, at {@link WITHDRAWN_SAMPLE_IDENTIFIERS}), and the
 * sample catalogue holds them, so the demo can show matches enriched and missing.
 */
export interface SampleProduct {
  readonly identifier: string;
  readonly description: string;
  readonly rangeLabel: string;
  readonly subrangeLabel: string | null;
  readonly deviceType: string;
  readonly brand: string;
}

interface Family {
  readonly range: string;
  readonly subrange: string | null;
  readonly deviceType: string;
  readonly brand: string;
  /** Each variant's identifier and description. */
  readonly variants: readonly (readonly [string, string])[];
}

const cross = <A, B>(as: readonly A[], bs: readonly B[]): [A, B][] => as.flatMap((a) => bs.map((b): [A, B] => [a, b]));

const FAMILIES: readonly Family[] = [
  {
    range: "TeSys D", subrange: null, deviceType: "Contactor", brand: "Schneider Electric",
    variants: cross(["09", "12", "18", "25", "32", "38"], ["M7", "BD", "F7", "P7", "B7", "E7"]).map(([amps, coil]) => [
      `LC1D${amps}${coil}`, `TeSys D contactor - 3P(3 NO) - AC-3 - <= 440 V ${Number(amps)} A - ${coil} coil`,
    ]),
  },
  {
    range: "Altivar 31", subrange: null, deviceType: "Variable speed drive", brand: "Telemecanique",
    variants: cross(["018", "037", "055", "075", "U11", "U15", "U22", "U30", "U40"], ["M2", "N4"]).map(([power, supply]) => [
      `ATV31H${power}${supply}`, `variable speed drive ATV31 - ${power} - ${supply === "M2" ? "200..240 V 1-phase" : "380..500 V 3-phase"} - with heat sink`,
    ]),
  },
  {
    range: "Altivar Machine ATV320", subrange: "ATV320 Book", deviceType: "Variable speed drive", brand: "Schneider Electric",
    variants: cross(["U04", "U07", "U15", "U22", "U30", "U40"], ["N4B", "M2B"]).map(([power, supply]) => [
      `ATV320${power}${supply}`, `variable speed drive ATV320 - ${power} - ${supply === "N4B" ? "380...500 V - 3 phase" : "200...240 V - 1 phase"} - book`,
    ]),
  },
  {
    range: "Altivar 71", subrange: null, deviceType: "Variable speed drive", brand: "Schneider Electric",
    variants: cross(["U15", "U22", "U40", "U55", "U75", "D11"], ["N4"]).map(([power, supply]) => [
      `ATV71H${power}${supply}`, `variable speed drive ATV71 - ${power} - 380...480 V - EMC filter`,
    ]),
  },
  {
    range: "Acti9 iC60", subrange: "iC60N", deviceType: "Miniature circuit breaker", brand: "Schneider Electric",
    variants: cross(["1", "2", "3", "4"], ["06", "10", "16", "20", "25", "32", "40", "63"]).map(([poles, amps]) => [
      `A9F74${poles}${amps}`, `miniature circuit breaker, Acti9 iC60N, ${poles}P, ${Number(amps)} A, C curve, 6000 A (IEC 60898-1)`,
    ]),
  },
  {
    range: "Compact NSX", subrange: "Compact NSX100-250", deviceType: "Moulded case circuit breaker", brand: "Schneider Electric",
    variants: ["30", "31", "32", "33", "34", "35", "36", "37", "38", "39"].map((code, index) => [
      `LV4296${code}`, `circuit breaker ComPacT NSX100F, 36 kA at 415 VAC, TMD trip unit ${[16, 25, 32, 40, 50, 63, 80, 100, 125, 160][index]} A, 3 poles 3d`,
    ]),
  },
  {
    range: "PowerLogic PM5000", subrange: null, deviceType: "Power meter", brand: "Schneider Electric",
    variants: ["100", "110", "111", "310", "320", "330", "340", "560", "561", "563"].map((model) => [
      `METSEPM5${model}`, `PowerLogic PM5${model} power meter${model.startsWith("5") ? " - Ethernet, 2 ports" : model.startsWith("3") ? " - Modbus, pulse output" : " - basic"}`,
    ]),
  },
  {
    range: "Zelio Relay", subrange: "RXM", deviceType: "Plug-in relay", brand: "Schneider Electric",
    variants: cross(["2AB2", "4AB2"], ["BD", "P7", "F7", "E7", "B7"]).map(([contacts, coil]) => [
      `RXM${contacts}${coil}`, `miniature plug-in relay - Zelio RXM ${contacts.startsWith("2") ? "2 C/O" : "4 C/O"} - ${coil} coil - without LED`,
    ]),
  },
  {
    range: "Modicon M340", subrange: null, deviceType: "PLC processor", brand: "Schneider Electric",
    variants: ["1000", "1010", "2000", "2010", "2020", "20102", "20302"].map((model) => [`BMXP34${model}`, `processor module M340 - max 1024 discrete + 256 analog I/O - ${model}`]),
  },
  {
    range: "Phaseo ABL8", subrange: "ABL8RPS", deviceType: "Power supply", brand: "Schneider Electric",
    variants: ["030", "050", "100"].map((amps) => [`ABL8RPS24${amps}`, `regulated SMPS - 1 or 2-phase - 380..500 V - 24 V - ${Number(amps) / 10} A`]),
  },
  {
    range: "Harmony XB5", subrange: null, deviceType: "Push button", brand: "Schneider Electric",
    variants: ["AA31", "AA42", "AA61", "AA86", "AS8442", "AD21"].map((code) => [`XB5${code}`, `push button, Harmony XB5, plastic, 22 mm, ${code}`]),
  },
  {
    range: "Galaxy 3500", subrange: null, deviceType: "UPS", brand: "APC",
    variants: ["10KH", "15KH", "20KH", "30KH", "40KH"].map((power) => [`G35T${power}`, `Galaxy 3500 ${power.replace("KH", "")} kVA 400 V with 2 battery modules, start-up 5x8`]),
  },
];

/** Every sample product, in catalogue order (155). */
export const SAMPLE_PRODUCTS: readonly SampleProduct[] = Object.freeze(
  FAMILIES.flatMap((family) =>
    family.variants.map(([identifier, description]) =>
      Object.freeze({ identifier, description, rangeLabel: family.range, subrangeLabel: family.subrange, deviceType: family.deviceType, brand: family.brand }),
    ),
  ),
);

/** Withdrawn references a letter may still name, which the sample catalogue does not hold. */
export const WITHDRAWN_SAMPLE_IDENTIFIERS: readonly string[] = Object.freeze(["ATV28HU18M2", "ATV58HU41N4", "LC1D0910M5", "GV2ME08TQ", "TSXP57203M"]);
