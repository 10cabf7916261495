import { EventEmitter } from "node:events";

/** Something a user changed; listeners (e.g. the App Home) refresh what they show. */
export interface ChangeEvent {
  userId: string;
  planYear: number;
  activityCode?: string;
  kind: "report" | "report_undo" | "delay_cause" | "manual_deadline";
}

export class ChangeBus {
  private readonly emitter = new EventEmitter();
  emit(e: ChangeEvent): void {
    this.emitter.emit("change", e);
  }
  on(listener: (e: ChangeEvent) => void): () => void {
    this.emitter.on("change", listener);
    return () => this.emitter.off("change", listener);
  }
}
