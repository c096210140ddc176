import { type JobStatus, statusWords } from "./job-words";

/** A job's status as a word in a pill; the colour only repeats what the word says. */
export const StatusBadge = ({ status }: { status: JobStatus }) => <span class={`status status-${status}`}>{statusWords[status]}</span>;
