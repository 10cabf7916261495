import type { RegisterCommands } from "./context.ts";

export const register: RegisterCommands = () => {};
