import { Button } from "./button";

type FormActionsProps = {
  /** The form's request: its error is shown above the buttons, and its button is busy while it runs. */
  request: { error: string | null | undefined; pending: boolean };
  /** The submit button's label, and what it says while the request runs. */
  action: string;
  busyLabel: string;
  onCancel: () => void;
};

/** The end of a dialog's form: the request's error (announced when it appears), then Cancel and submit. */
export function FormActions({ request, action, busyLabel, onCancel }: FormActionsProps) {
  return (
    <>
      <p class="field-error" role="alert" hidden={!request.error}>
        {request.error}
      </p>
      <div class="dialog-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={request.pending} busyLabel={busyLabel}>
          {action}
        </Button>
      </div>
    </>
  );
}
