-- CreateTable
CREATE TABLE "Plan" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "year" INTEGER NOT NULL,
    "entity" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL,
    "sourceHash" TEXT NOT NULL,
    "importedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Area" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "head" TEXT,
    "position" INTEGER NOT NULL,
    "archivedAt" DATETIME,
    CONSTRAINT "Area_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Objective" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "areaId" INTEGER,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "publicValue" TEXT NOT NULL,
    "weight" REAL,
    "position" INTEGER NOT NULL,
    "archivedAt" DATETIME,
    CONSTRAINT "Objective_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Objective_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "objectiveId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "printedCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "indicatorName" TEXT NOT NULL,
    "indicatorIndex" TEXT,
    "targetText" TEXT NOT NULL,
    "targetKind" TEXT NOT NULL,
    "deadline" TEXT,
    "threshold" REAL,
    "comparator" TEXT,
    "period" TEXT,
    "unit" TEXT,
    "qualifier" TEXT,
    "needsManualDate" BOOLEAN NOT NULL DEFAULT false,
    "involved" TEXT,
    "involvesAllAreas" BOOLEAN NOT NULL DEFAULT false,
    "involvedAreas" TEXT NOT NULL DEFAULT '',
    "archivedAt" DATETIME,
    CONSTRAINT "Activity_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Activity_objectiveId_fkey" FOREIGN KEY ("objectiveId") REFERENCES "Objective" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlanAnomaly" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    CONSTRAINT "PlanAnomaly_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManualDeadline" (
    "planYear" INTEGER NOT NULL,
    "activityCode" TEXT NOT NULL,
    "deadline" TEXT NOT NULL,
    "setBy" TEXT NOT NULL,
    "setAt" DATETIME NOT NULL,

    PRIMARY KEY ("planYear", "activityCode")
);

-- CreateTable
CREATE TABLE "Progress" (
    "planYear" INTEGER NOT NULL,
    "activityCode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "percent" REAL,
    "count" REAL,
    "achievedValue" REAL,
    "completedOn" TEXT,
    "blockedReason" TEXT,
    "lastReportAt" DATETIME,
    "lastReporterId" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("planYear", "activityCode")
);

-- CreateTable
CREATE TABLE "Report" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planYear" INTEGER NOT NULL,
    "activityCode" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT,
    "value" REAL,
    "occurredOn" TEXT NOT NULL,
    "note" TEXT,
    "evidence" TEXT,
    "source" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "createdAt" DATETIME NOT NULL,
    "undoneAt" DATETIME,
    "undoneBy" TEXT
);

-- CreateTable
CREATE TABLE "DelayExplanation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planYear" INTEGER NOT NULL,
    "activityCode" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "explanation" TEXT NOT NULL,
    "correctiveAction" TEXT,
    "newExpectedDate" TEXT,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "User" (
    "slackUserId" TEXT NOT NULL PRIMARY KEY,
    "role" TEXT NOT NULL,
    "name" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "UserArea" (
    "slackUserId" TEXT NOT NULL,
    "areaCode" TEXT NOT NULL,

    PRIMARY KEY ("slackUserId", "areaCode"),
    CONSTRAINT "UserArea_slackUserId_fkey" FOREIGN KEY ("slackUserId") REFERENCES "User" ("slackUserId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AreaChannel" (
    "areaCode" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Delivery" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "lastError" TEXT,
    "messageTs" TEXT
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityKey" TEXT NOT NULL,
    "before" TEXT,
    "after" TEXT
);

-- CreateTable
CREATE TABLE "ScoringConfig" (
    "planYear" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "config" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL,

    PRIMARY KEY ("planYear", "version")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_year_key" ON "Plan"("year");

-- CreateIndex
CREATE UNIQUE INDEX "Area_planId_code_key" ON "Area"("planId", "code");

-- CreateIndex
CREATE INDEX "Objective_areaId_idx" ON "Objective"("areaId");

-- CreateIndex
CREATE UNIQUE INDEX "Objective_planId_code_key" ON "Objective"("planId", "code");

-- CreateIndex
CREATE INDEX "Activity_planId_printedCode_idx" ON "Activity"("planId", "printedCode");

-- CreateIndex
CREATE INDEX "Activity_objectiveId_idx" ON "Activity"("objectiveId");

-- CreateIndex
CREATE INDEX "Activity_deadline_idx" ON "Activity"("deadline");

-- CreateIndex
CREATE UNIQUE INDEX "Activity_planId_code_key" ON "Activity"("planId", "code");

-- CreateIndex
CREATE INDEX "Progress_status_idx" ON "Progress"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Report_idempotencyKey_key" ON "Report"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Report_planYear_activityCode_createdAt_idx" ON "Report"("planYear", "activityCode", "createdAt");

-- CreateIndex
CREATE INDEX "Report_createdAt_idx" ON "Report"("createdAt");

-- CreateIndex
CREATE INDEX "DelayExplanation_planYear_activityCode_idx" ON "DelayExplanation"("planYear", "activityCode");

-- CreateIndex
CREATE INDEX "UserArea_areaCode_idx" ON "UserArea"("areaCode");

-- CreateIndex
CREATE INDEX "AuditEntry_entityKey_idx" ON "AuditEntry"("entityKey");

-- The audit trail is append-only: nothing, not even the product, may change or remove a row.
CREATE TRIGGER "AuditEntry_no_update" BEFORE UPDATE ON "AuditEntry"
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
CREATE TRIGGER "AuditEntry_no_delete" BEFORE DELETE ON "AuditEntry"
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
