import { DateInput, type DateInputProps } from '@mantine/dates';
import { parseVnDate } from './vn-date-input';
import classes from './VnDateInput.module.css';

/** The calendar's buttons, named for screen readers. */
const ARIA_LABELS = {
  previousMonth: 'Tháng trước',
  nextMonth: 'Tháng sau',
  previousYear: 'Năm trước',
  nextYear: 'Năm sau',
  previousDecade: 'Thập kỷ trước',
  nextDecade: 'Thập kỷ sau',
  monthLevelControl: 'Chọn tháng',
  yearLevelControl: 'Chọn năm',
};

/**
 * A date field as Vietnamese write dates: typed or picked, shown dd/mm/yyyy, its value the
 * calendar day YYYY-MM-DD; the picker's buttons named and its colours readable (WCAG AA).
 */
export function VnDateInput(props: DateInputProps) {
  return (
    <DateInput
      placeholder="dd/mm/yyyy"
      valueFormat="DD/MM/YYYY"
      dateParser={parseVnDate}
      ariaLabels={ARIA_LABELS}
      classNames={{ day: classes.day }}
      clearButtonProps={{ 'aria-label': 'Xóa ngày' }}
      {...props}
    />
  );
}
