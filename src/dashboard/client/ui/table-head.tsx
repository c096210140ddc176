import { Hidden } from "./visually-hidden";

/** A table's header row: one column header per name, and a last, visually hidden "Actions" one for row buttons. */
export function TableHead({ columns, actions = false }: { columns: readonly string[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <Hidden>Actions</Hidden>
          </th>
        )}
      </tr>
    </thead>
  );
}
