import { useEffect, useState } from "preact/hooks";

export default function Lazy() {
  const [text, setText] = useState("waiting");
  useEffect(() => {
    import("../lazy_part.ts").then((part) => setText(part.message));
  }, []);
  return <p id="lazy">{text}</p>;
}
