"use client";

import { useEffect, useRef, useState } from "react";

import styles from "./staff.module.css";

/**
 * An e-mail as its recipient sees it, in a sandboxed frame at the full height of its content: nothing is cut off
 * and the frame never scrolls inside the page.
 *
 * The sandbox allows no scripts, forms, pop-ups or navigation of the staff page, so the e-mail's HTML can do nothing
 * but show itself. It does keep the page's origin (`allow-same-origin`) for one reason: so that this page's script
 * can read how tall the e-mail is. A frame with scripts off cannot use that origin for anything; the page's
 * Content-Security-Policy applies inside it too, and our pages refuse to be framed (frame-ancestors 'none'), so a
 * link followed inside the frame opens nothing of ours there. The height is measured when the e-mail has loaded (its
 * logo included) and again whenever the frame's width changes (a turned phone, a resized window). Before the script
 * runs, the frame has a fixed height of its own.
 */
export function MailFrame({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState<number | null>(null);

  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => {
      const root = element.contentDocument?.documentElement;
      // Before the e-mail is in, the frame holds an empty document; its height means nothing.
      if (!root || element.contentDocument?.URL !== "about:srcdoc") return;
      // The root element's own box is as tall as the e-mail, however tall the frame is now; the frame's border
      // comes on top.
      const border = element.offsetHeight - element.clientHeight;
      setHeight(Math.ceil(root.getBoundingClientRect().height) + border);
    };
    const widthWatcher = new ResizeObserver(measure);
    widthWatcher.observe(element);
    element.addEventListener("load", measure);
    measure(); // the e-mail may have loaded before this script ran
    return () => {
      widthWatcher.disconnect();
      element.removeEventListener("load", measure);
    };
  }, [html]);

  return (
    <iframe
      ref={frame}
      className={styles.mailFrame}
      title={title}
      sandbox="allow-same-origin"
      srcDoc={html}
      style={height === null ? undefined : { height: `${height}px` }}
      data-fitted={height === null ? undefined : "true"}
    />
  );
}
