import type { ReactNode } from 'react';
import classes from './Facts.module.css';

/** A description list: a term and its value per row, side by side on wide screens, stacked on phones. */
export function Facts({ children }: { children: ReactNode }) {
  return <dl className={classes.facts}>{children}</dl>;
}

export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className={classes.row}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
