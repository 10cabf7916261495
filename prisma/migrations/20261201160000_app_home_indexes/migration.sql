-- CreateIndex
CREATE INDEX "Activity_planId_deadline_idx" ON "Activity"("planId", "deadline");

-- CreateIndex
CREATE INDEX "Activity_scope_idx" ON "Activity"("planId", "objectiveId", "archivedAt", "code", "deadline", "targetKind", "threshold", "period", "qualifier", "weight", "involvesAllAreas", "involvedAreas");
