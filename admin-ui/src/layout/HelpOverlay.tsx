import { shortcuts } from '../lib/shortcuts';
import { Dialog } from '../ui/Dialog';

/** The keyboard shortcuts, opened with `?`. */
export function HelpOverlay({ open, onClose }: { open: boolean; onClose: () => void }) {
  const sections = [...new Set(shortcuts.map((s) => s.section))];
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="shortcut-grid">
        {sections.map((section) => (
          <section key={section}>
            <h3>{section}</h3>
            <dl className="shortcuts">
              {shortcuts
                .filter((s) => s.section === section)
                .map((s) => (
                  <div key={s.keys}>
                    <dt>
                      {s.keys.split(' ').map((k, i) => (
                        <kbd key={i}>{k}</kbd>
                      ))}
                    </dt>
                    <dd>{s.description}</dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
