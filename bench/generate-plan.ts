/**
 * A synthetic PIAO document in the Leggiuno layout (tab-separated cells), of any size,
 * for benchmarks and load tests: 5 areas, a Comune-wide section, objectives of 5
 * activities with every kind of target, deadlines spread over the year.
 */
const AREAS = [
  ["01", "Area Affari Generali", "Anna Rossi"],
  ["02", "Area Economico Finanziaria", "Bruno Bianchi"],
  ["03", "Area Tecnico Manutentiva", "Carla Verdi"],
  ["04", "Area Polizia Locale", "Dario Neri"],
  ["05", "Area Servizi Sociali", "Elena Gialli"],
] as const;

const MONTHS = [
  "Gennaio",
  "Febbraio",
  "Marzo",
  "Aprile",
  "Maggio",
  "Giugno",
  "Luglio",
  "Agosto",
  "Settembre",
  "Ottobre",
  "Novembre",
  "Dicembre",
];

function target(i: number, year: number): [string, string] {
  switch (i % 8) {
    case 0:
    case 1:
    case 2:
      return ["Tempo previsto", `${1 + (i % 28)} ${MONTHS[i % 12]} ${year}`];
    case 3:
      return ["%", "100%"];
    case 4:
      return ["Numero interventi", `> ${1 + (i % 4)} al mese`];
    case 5:
      return ["Controllo", "Si"];
    case 6:
      return ["Giorni", "≤ 30 giorni"];
    default:
      return ["Numero", `> ${2 + (i % 5)}`];
  }
}

export function generatePiaoText(activityCount: number, year = 2024): string {
  const out: string[] = [
    `PIANO DELLA PERFORMANCE ${year}-${year + 2} PIANO DETTAGLIATO DEGLI OBIETTIVI PER L'ANNUALITA' ${year}`,
    "",
    "Comune di",
    "Benchmarkia",
    "",
    "PERFORMANCE ORGANIZZATIVA",
    "",
    "Obiettivo\tRispetto dei tempi di pagamento",
    "Descrizione\tRidurre i tempi medi di pagamento delle fatture.",
    "Valore pubblico\tAffidabilità dell'ente verso i fornitori",
    "",
    "Attività\tIndicatore\tIndice\tValore atteso\tPersonale coinvolto",
    "Rispettare le modalità di gestione dei pagamenti\tTempo medio di pagamento\tGiorni\t≤ 30 giorni\tTutte EQ",
    "",
    `OBIETTIVI ESECUTIVI ${year}`,
    "",
  ];
  const perArea = Math.ceil(Math.max(0, activityCount - 1) / AREAS.length);
  let made = 1;
  for (let a = 0; a < AREAS.length && made < activityCount; a++) {
    const [code, name, head] = AREAS[a]!;
    const areaNo = Number(code);
    const inArea = Math.min(perArea, activityCount - made);
    const objectives = Math.ceil(inArea / 5);
    out.push("Centro di Responsabilità", "", name.toUpperCase(), "");
    for (let o = 1; o <= objectives; o++) {
      out.push(
        `CENTRO RESPONSABILITA' ${code}. ${name}\t\tRESPONSABILE ${head}\t\t`,
        `OBIETTIVO ${areaNo}.${o}\t\tOBIETTIVO GENERATO ${areaNo}.${o}\t\t`,
        `DESCRIZIONE\t\tDescrizione dell'obiettivo ${areaNo}.${o}, generato per le prove di carico.\t\t`,
        "VALORE PUBBLICO\t\tEfficienza amministrativa\t\t",
        "PESO\t\t10%\t\t",
        "ATTIVITA' E FASI\t\tINDICATORE DI RISULTATO\t\t",
        "\t\tINDICATORE\tINDICE\tVALORE ATTESO",
      );
      const n = Math.min(5, inArea - (o - 1) * 5);
      for (let k = 1; k <= n; k++) {
        const [index, value] = target(made, year);
        out.push(
          `${areaNo}.${o}.${k}\tAttività ${areaNo}.${o}.${k} Svolgimento delle fasi previste per l'attività numero ${made}\tRisultato ${made}\t${index}\t${value}`,
        );
        made++;
      }
      out.push("");
    }
  }
  return out.join("\n");
}
