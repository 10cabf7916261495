import { Help, type Command, type Option, type Argument } from "commander";

/** Commander's own words (titles, usage, defaults, parse errors), in Italian like the rest of the CLI. */

const TITLES: Record<string, string> = {
  "Usage:": "Uso:",
  "Options:": "Opzioni:",
  "Arguments:": "Argomenti:",
  "Commands:": "Comandi:",
  "Global Options:": "Opzioni generali:",
};

const ERROR_PATTERNS: [RegExp, (...m: string[]) => string][] = [
  [/unknown option '([^']+)'/, (o) => `errore: opzione sconosciuta «${o}»`],
  [/option '([^']+)' argument missing/, (o) => `errore: manca il valore dell'opzione «${o}»`],
  [/missing required argument '([^']+)'/, (a) => `errore: manca l'argomento «${a}»`],
  [/too many arguments for '([^']+)'/, (c) => `errore: troppi argomenti per «${c}»`],
  [/too many arguments/, () => "errore: troppi argomenti"],
  [/unknown command '([^']+)'/, (c) => `errore: comando sconosciuto «${c}»`],
  [/option '([^']+)' argument '([^']*)' is invalid/, (o, v) => `errore: valore «${v}» non valido per l'opzione «${o}»`],
];

export function italianError(text: string): string {
  for (const [re, say] of ERROR_PATTERNS) {
    const m = re.exec(text);
    if (m) return `${say(...m.slice(1))}\n`;
  }
  return text;
}

function extras(parts: { defaultValue?: unknown; defaultValueDescription?: string; argChoices?: string[] }): string[] {
  const out: string[] = [];
  if (parts.argChoices) out.push(`valori: ${parts.argChoices.map((c) => JSON.stringify(c)).join(", ")}`);
  if (parts.defaultValue !== undefined && !(Array.isArray(parts.defaultValue) && parts.defaultValue.length === 0)) {
    out.push(`predefinito: ${parts.defaultValueDescription ?? JSON.stringify(parts.defaultValue)}`);
  }
  return out;
}

/** Help methods in Italian; as a configureHelp object they are inherited by every subcommand. */
const ITALIAN_HELP: Partial<Help> = {
  styleTitle(title: string): string {
    return TITLES[title] ?? title;
  },
  commandUsage(this: Help, cmd: Command): string {
    return Help.prototype.commandUsage
      .call(this, cmd)
      .replace("[options]", "[opzioni]")
      .replace("[command]", "[comando]");
  },
  subcommandTerm(this: Help, cmd: Command): string {
    return Help.prototype.subcommandTerm.call(this, cmd).replace("[options]", "[opzioni]");
  },
  optionDescription(option: Option): string {
    const more = extras(option);
    return more.length ? `${option.description} (${more.join(", ")})` : option.description;
  },
  argumentDescription(argument: Argument): string {
    const more = extras(argument);
    return more.length ? `${argument.description} (${more.join(", ")})` : argument.description;
  },
};

/**
 * Sets the Italian help on the root command before any subcommand is added: commander
 * copies these settings to every subcommand created afterwards.
 */
export function italianHelp(program: Command): Command {
  const inherited = program.configureOutput();
  return program
    .helpOption("-h, --help", "mostra questo aiuto")
    .helpCommand("aiuto [comando]", "mostra l'aiuto del comando")
    .configureHelp(ITALIAN_HELP)
    .configureOutput({ ...inherited, outputError: (text, write) => write(italianError(text)) })
    .showHelpAfterError("(usa --help per l'aiuto)");
}
