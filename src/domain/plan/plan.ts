/** The plan in force, as every reader refers to it (the store finds it: currentPlan). */
export interface PlanRef {
  id: number;
  year: number;
  entity: string;
  /** What identifies the imported version (caches key on it). */
  sourceHash: string;
  importedAt: Date;
}
